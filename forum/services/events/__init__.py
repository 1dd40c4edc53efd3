"""Gatherings (issue 14): events and repeating meetings, booking with a waiting list and access
questions, calendars, the organisers' view and the write-up.

- ``access``: who sees an event (the same rule as its region's forum) and who organises it
- ``manage``: creating, changing and cancelling events and series (rrule), the running order
- ``booking``: places, the waiting list and its promotion, access answers and their deletion
- ``calendar``: the ``.ics`` of an event and each member's private feed
- ``organising``: the organisers' view (bookings, CSV, attendance, a message to everyone booked)
- ``write_up``: worked well, could be better, actions (an action becomes an idea in one step)
- ``reminders``: what to send when (the notifications issue wires the sending)
"""
