"""A member's privacy rights: their data to take away (``export``), consent to health data
withdrawn and given again (``consent``), a break (``breaks``), leaving and being forgotten
(``erasure``), and how long the network keeps things (``retention``).

The top of the services: it reads every area below (forums, ideas, moderation, people) to
gather or erase what a member left there, and nothing below imports it. What others need to
know (whether a member is on a break, whether they may post) is on the model, so the areas
below can ask without importing this one: ``Member.on_break(now)``,
``Member.health_consent_withdrawn_at``.
"""
