"""Notifications: the bell, the Notifications page and the kinds of things members are told
about (``kinds``: each area registers its own, with the rule of who may still see it), and
writing, counting and reading them (``inbox``)."""
