"""What the benchmark data says: names, titles and Markdown bodies, made from a seeded random
generator so the same seed gives the same network (``forum.services.benchdata``).

Bodies are built from sentences peer supporters might write, in paragraphs of varied length,
with the Markdown members use: emphasis, lists, links, quotes of an earlier post, now and then a
small heading. Most are a few sentences; a few run to several paragraphs.
"""

from __future__ import annotations

import random

FIRST_NAMES = """Morag Kenny Isla Ahmed Fiona Callum Rhona Jo Priya Stuart Eilidh Gordon Sandy
Mhairi Duncan Aileen Tariq Lorna Euan Kirsty Hamish Niamh Zara Alasdair Ailsa Bryony Catriona
Darren Elspeth Fraser Gillian Hannah Iain Jamie Katie Lewis Marion Neil Oonagh Paul Rachel Ross
Shona Tom Una Vikram Wendy Yusuf Agnieszka Ben Chloe Declan Emma Finlay Grace Heather Imran
Joanne Kieran Leah Malcolm Nadia Olivia Peter Ruth Sean Thea""".split()  # noqa: SIM905

ORGANISATIONS = [
    "Peer support worker, community mental health team",
    "Volunteer peer supporter",
    "Peer worker, inpatient ward",
    "Peer trainer, recovery college",
    "Carer and peer volunteer",
    "Peer navigator, homelessness service",
    "Youth peer worker",
    "Peer researcher",
    "Service manager",
    "Peer supporter, men's group",
    "Student peer worker",
    "Peer practitioner, drug and alcohol service",
]

REASONS = [
    "To share ideas with peer supporters across Scotland.",
    "I work on my own most days and want to learn from others doing the same job.",
    "A colleague told me about the network after the last gathering.",
    "I have just started as a peer worker and would love somewhere to ask questions.",
]

SENTENCES = [
    "I have been a peer worker for about three years now, and this still catches me out.",
    "What helped me most was having someone to talk it through with after the shift.",
    "We tried a weekly drop-in at our service and the difference was noticeable within a month.",
    "Supervision does not always fit peer work, and I think that is worth saying out loud.",
    "The person I support had a really hard week, and I was not sure how much to share.",
    "Has anyone found a good way to explain what peer support is to a new team?",
    "I keep coming back to the idea that we are there as equals, not as experts.",
    "Boundaries are easier to write down than to keep at eleven at night.",
    "Our manager has been supportive, but the rest of the team is still finding its feet.",
    "Thank you for writing this down; it is exactly what I needed to read today.",
    "I shared a bit of my own story last week and it opened up a real conversation.",
    "It took me a long time to learn that looking after myself is part of the job.",
    "We started meeting once a month as peer workers across the region, and it helps.",
    "The recovery college has a course on this that I would recommend to anyone.",
    "Sometimes the most useful thing is simply being there with a cup of tea.",
    "I would love to hear how other services handle the first meeting with someone.",
    "Our notes template was written for clinical staff and does not fit what we do.",
    "A quiet room away from the ward made a bigger difference than I expected.",
    "I am not sure I got it right, but I would rather ask here than guess.",
    "It is okay to say that a day was hard, even when you love the work.",
    "We have a waiting list again, and people are struggling in the meantime.",
    "The training day on lived experience at work was the best I have been to.",
    "One thing that worked for us was a written note of what happens next.",
    "Travel to the national events is still the biggest barrier for our members.",
    "I spoke to my supervisor about it and we agreed to try something different.",
    "Carers often need peer support as much as the people they care for.",
    "Our group meets on Thursday evenings, and new faces are always welcome.",
    "I found it hard to go back after a week off, and I think that is normal.",
    "It helps to remember why we started doing this in the first place.",
    "There is no single right answer here, only what works for the person in front of you.",
    "We wrote a short leaflet that explains peer support in plain words.",
    "The best advice I was given was to never promise what I cannot do.",
    "I would be happy to share what we learned if it is useful to anyone.",
    "Our team now starts each week with ten minutes to check in with each other.",
    "Sometimes people just want to be heard, not fixed.",
    "It has been a long winter, and I can see it in the people I support.",
    "We are hoping to run a walking group in the spring, if the weather is kind.",
    "I reread the house rules before posting this, just to be safe.",
    "Does anyone have a good template for a wellbeing plan they would share?",
    "My first year was the hardest, and I am grateful for this network.",
]

LIST_ITEMS = [
    "a quiet room away from the clinic",
    "tea, and no forms on the first visit",
    "a written note of what happens next",
    "the same two peer workers every week",
    "time to debrief after a hard conversation",
    "supervision from someone who knows peer work",
    "a clear way to ask for help out of hours",
    "a shared diary so nobody works alone",
    "a short welcome leaflet in plain words",
    "travel costs paid up front, not weeks later",
    "a buddy for new peer workers",
    "regular breaks, actually taken",
]

LINKS = [
    ("the recovery college prospectus", "https://recovery.example.org/prospectus"),
    ("the network's guiding document", "https://network.example.org/guide"),
    ("a short guide to boundaries", "https://peerwork.example.org/boundaries"),
    ("the training day slides", "https://training.example.org/slides"),
    ("this article on lived experience at work", "https://journal.example.org/lived-experience"),
]

HEADINGS = ["What worked", "What I would change", "A few thoughts", "Where we are now"]

THREAD_OPENERS = [
    "Advice on", "Thoughts on", "Anyone else finding it hard with", "How do you handle",
    "Question about", "Tips for", "Looking for help with", "Sharing what worked:",
    "Update on", "Reflections on", "Struggling with", "A small win with",
]  # fmt: skip

THREAD_SUBJECTS = [
    "boundaries after a hard shift", "supervision that fits peer work", "the first meeting",
    "sharing your own story at work", "a new team that does not get peer work",
    "out-of-hours messages", "going back after time off", "writing notes",
    "the waiting list", "working on your own", "carers' groups", "a walking group",
    "training for new peer workers", "the ward round", "funding for next year",
    "recovery college courses", "burnout", "group facilitation", "online drop-ins",
    "travel to events", "lived experience on interview panels", "a wellbeing plan template",
    "saying no", "endings with someone you support", "the national gathering",
    "peer work in A&E", "student placements", "rural services", "volunteering hours",
    "being the only peer worker", "difficult conversations", "job adverts",
]  # fmt: skip

LONG_THREAD_TITLES = [
    "The weekly check-in: how has your week been?",
    "Good news thread: small wins worth sharing",
    "What got you through today?",
    "Coffee room: chat about anything",
    "Questions you were afraid to ask as a new peer worker",
]

IDEA_LEADS = ["Hold", "Offer", "Create", "Start", "Run", "Share", "Fund", "Set up", "Record"]
IDEA_THINGS = [
    "a monthly online drop-in", "peer-led training days", "a shared resource library",
    "speakers with lived experience", "regional meet-ups", "a mentoring scheme",
    "travel bursaries", "reflective practice sessions", "a welcome pack for new members",
    "a walking group", "Gaelic resources", "a podcast of members' stories",
    "a job board", "quarterly newsletters", "a carers' circle", "a quiet room at events",
    "supervision for peer workers", "short videos explaining peer support",
    "a directory of services", "a book club", "a wellbeing day", "an annual awards evening",
]  # fmt: skip
IDEA_TAILS = [
    "", "for new peer workers", "in every region", "between events", "for carers", "online",
    "at the national gathering", "on the islands", "for young people", "in plain words",
]  # fmt: skip

# A national moderator's public response when an idea moves on, by its new status.
STATUS_RESPONSES = {
    "under_review": "Thank you to everyone who backed this. We are talking to the regions "
    "about it and will come back here with what we hear.",
    "planned": "**This is planned.** We will post the dates here as soon as they are fixed.",
    "in_progress": "Work has started: a small group of members is helping to shape it. "
    "Tell us in the comments if you would like to join them.",
    "done": "This is done. Thank you for the idea, and for the help along the way.",
    "declined": "We have decided not to go ahead with this for now. Thank you for raising "
    "it: the reasons are in the minutes of the last steering group.",
}

WARNING_NOTES = ["", "", "mentions of a hospital stay", "talks about a loss last year"]


def display_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice('ABCDEFGHIJKLMNOPRSTW')}."


def thread_title(rng: random.Random, long_running: bool = False) -> str:
    if long_running:
        return rng.choice(LONG_THREAD_TITLES)
    return f"{rng.choice(THREAD_OPENERS)} {rng.choice(THREAD_SUBJECTS)}"


def idea_title(rng: random.Random) -> str:
    words = [rng.choice(IDEA_LEADS), rng.choice(IDEA_THINGS), rng.choice(IDEA_TAILS)]
    return " ".join(w for w in words if w)


def body(rng: random.Random, paragraphs: int) -> str:
    """Markdown of about ``paragraphs`` paragraphs, some of them lists, quotes or headings."""
    blocks = []
    for n in range(paragraphs):
        kind = rng.random()
        if kind < 0.12 and n == 0:
            blocks.append(_quote(rng))
        elif kind < 0.22:
            items = rng.sample(LIST_ITEMS, rng.randint(3, 5))
            blocks.append("A few things that helped:\n\n" + "\n".join(f"- {i}" for i in items))
        elif kind < 0.26 and n > 0:
            blocks.append(f"### {rng.choice(HEADINGS)}")
        else:
            blocks.append(_paragraph(rng))
    return "\n\n".join(blocks)


def _paragraph(rng: random.Random) -> str:
    sentences = rng.sample(SENTENCES, rng.randint(1, 4))
    if rng.random() < 0.3:
        i = rng.randrange(len(sentences))
        words = sentences[i].split()
        j = rng.randrange(len(words))
        words[j] = f"*{words[j]}*" if rng.random() < 0.6 else f"**{words[j]}**"
        sentences[i] = " ".join(words)
    if rng.random() < 0.12:
        text, url = rng.choice(LINKS)
        sentences.append(f"There is more in [{text}]({url}).")
    return " ".join(sentences)


def _quote(rng: random.Random) -> str:
    said = " ".join(rng.sample(SENTENCES, rng.randint(1, 2)))
    return f"> **{rng.choice(FIRST_NAMES)}** wrote:\n>\n> {said}"
