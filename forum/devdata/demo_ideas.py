"""A lively ideas clinic for the demo network, like the ideas raised at the network's events.

Called by ``demo.seed()``. Adds a few more members (people met at events), the moderators'
tags, ideas with votes following a long tail, comments, public responses and one merged
duplicate. Everything is dated in the past so the board's sorts differ from one another.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    Consent,
    ConsentKind,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTag,
    IdeaVote,
    Member,
    MemberStatus,
    Region,
    utcnow,
)
from forum.services.ideas import access, board
from forum.services.ideas import moderation as idea_moderation

TAGS = ["events", "speakers", "activities", "training", "resources"]

# More members, so votes can follow a long tail: (name, email local part, region, role)
MORE_PEOPLE = [
    ("Mhairi", "mhairi", "Lanarkshire", "Peer support worker, community recovery service"),
    ("Duncan", "duncan", "Grampian", "Volunteer peer supporter, men's group"),
    ("Aileen", "aileen", "Ayrshire and Arran", "Peer worker, inpatient ward"),
    ("Tariq", "tariq", "Lothian", "Peer trainer, recovery college"),
    ("Lorna", "lorna", "Dumfries and Galloway", "Carer and peer volunteer"),
    ("Euan", "euan", "Shetland", "Peer supporter, island wellbeing hub"),
    ("Kirsty", "kirsty", "Forth Valley", "Peer navigator"),
    ("Hamish", "hamish", "Orkney", "Volunteer, veterans' peer group"),
    ("Niamh", "niamh", "Fife", "Student nurse and peer volunteer"),
    ("Zara", "zara", "Greater Glasgow and Clyde", "Peer worker, homelessness service"),
]

# (key, title, author, region or None, days ago, tags, votes, description)
IDEAS = [
    ("speakers", "Speakers with lived experience at every national event", "ahmed", None, 96,
     ["speakers", "events"], 16,
     "At the last gathering the best part was hearing Lorna talk about her own recovery and how "
     "peer work found her. Could every national event have **at least one speaker with lived "
     "experience**, alongside the professionals?\n\nIt reminds us why we do this."),
    ("space", "A closed online space for peer supporters between events", "fiona", None, 88,
     ["resources"], 14,
     "We meet three or four times a year and then lose touch. A private space, just for peer "
     "supporters, where we can ask each other things between events: *how do you handle...?*, "
     "*has anyone tried...?*"),
    ("regions", "Hold events around the regions, not only in the central belt", "rhona",
     "Western Isles", 70, ["events"], 12,
     "Travelling from Stornoway to Glasgow takes two days and costs a lot. Some of us never "
     "make it. Could one event a year move around: Inverness, Dumfries, Aberdeen, the islands?"),
    ("quarterly", "Quarterly meetings for peer workers in each region", "callum", "Fife", 64,
     ["events"], 9,
     "Something smaller than the national event: a couple of hours every three months, in each "
     "region, to share what is working locally and what is not."),
    ("training", "A peer-led training day on boundaries and self-care", "jo", "Borders", 110,
     ["training"], 8,
     "Lots of us struggle with boundaries when the person we support is in crisis at 11pm. A "
     "day run *by* peer workers *for* peer workers, with real situations to talk through."),
    ("library", "A shared library of resources: templates, leaflets, recovery tools", "isla",
     None, 45, ["resources"], 7,
     "Every service reinvents the same wellbeing plan template. If we shared what we have "
     "(with permission) we would all save time. Things like:\n\n- recovery and wellbeing plans\n"
     "- leaflets that explain peer support\n- supervision notes templates"),
    ("mentoring", "Pair new peer workers with someone more experienced", "mhairi", None, 30,
     ["training"], 6,
     "When I started I had nobody to ask whether what I felt was normal. A simple mentoring "
     "scheme, a call once a month for the first six months, would have meant a lot."),
    ("walk", "A morning walk before the national gathering", "tariq", None, 21, ["activities"], 5,
     "Nothing formal: meet at nine, walk for forty minutes, arrive at the venue together. It "
     "helps the nerves of people who find a big room hard."),
    ("clinic", "Start each event with the ideas clinic, not end with it", "kirsty", None, 58,
     ["events", "activities"], 4,
     "By the end of the day everyone is tired and the ideas clinic gets rushed. If we opened "
     "with it, the rest of the day could pick the ideas up."),
    ("dropin", "A Thursday evening online drop-in", "niamh", None, 12, ["activities"], 3,
     "An hour, on video or voice only, for anyone who wants company after a hard week. No "
     "agenda."),
    ("gaelic", "Peer support resources in Gaelic", "euan", "Western Isles", 26, ["resources"], 3,
     "For some people on the islands it is easier to talk about how they feel in Gaelic. Even "
     "a leaflet or two would show that peer support is for them too."),
    ("young", "A speaker slot for young peer workers", "niamh", "Highland", 9,
     ["speakers"], 2,
     "Most speakers have been doing this for years. Hearing from someone in their first year "
     "would encourage students and young people to get involved."),
    ("stream", "Livestream the national events on social media", "duncan", None, 50,
     ["events"], 2,
     "Then people who cannot travel could still watch."),
    ("reflect", "Reflective practice sessions run by peers", "aileen", "Ayrshire and Arran", 6,
     ["training"], 1,
     "Clinical supervision does not always fit peer work. A monthly reflective session, "
     "facilitated by an experienced peer worker, would help us learn from each other."),
    ("duplicate", "Online group so peer workers can keep in touch", "zara", None, 40, [], 4,
     "Could we have an online group? It is hard to stay connected between the big events."),
]  # fmt: skip

# (idea key, status, days ago, who, response)
RESPONSES = [
    ("speakers", IdeaStatus.UNDER_REVIEW, 80, "kenny",
     "Thank you, Ahmed, and everyone who backed this. We are asking past speakers whether they "
     "would come back, and looking at a small fee for their time."),
    ("speakers", IdeaStatus.PLANNED, 40, "morag",
     "**This is planned.** From the spring gathering on, every national event will open with a "
     "speaker with lived experience. If you would like to speak, reply here or tell Kenny."),
    ("space", IdeaStatus.IN_PROGRESS, 30, "morag",
     "You are reading this in it! The forum is our closed online space. We are adding regional "
     "forums next; tell us in the comments what else would help."),
    ("regions", IdeaStatus.PLANNED, 20, "isla",
     "The autumn gathering will be in **Inverness**, with travel bursaries for members coming "
     "from the islands. We will look at Dumfries for the year after."),
    ("quarterly", IdeaStatus.UNDER_REVIEW, 14, "kenny",
     "We are asking each region whether someone would host. Fife and Tayside have said yes."),
    ("training", IdeaStatus.DONE, 60, "morag",
     "The first peer-led training day took place in Perth: 38 people came, and the feedback was "
     "lovely. The slides and the situations we talked through are in the resources forum."),
    ("clinic", IdeaStatus.DONE, 35, "kenny",
     "We tried it at the last event and it worked: the ideas clinic now opens the afternoon."),
    ("stream", IdeaStatus.DECLINED, 44, "isla",
     "Thank you for thinking of people who cannot travel. We have decided not to film the "
     "events: people share very personal things in the room, and knowing it is recorded would "
     "change that. Instead we will post a written summary here after each event, and the "
     "travel bursaries should help more people come."),
]  # fmt: skip

# (idea key, author, days ago, text)
COMMENTS = [
    ("speakers", "lorna", 94, "I would be glad to speak again. It was nerve-racking but it "
     "meant a lot that people listened."),
    ("speakers", "fiona", 90, "Yes please. Could we also have time for questions afterwards? "
     "That was cut short last time."),
    ("speakers", "zara", 38, "Brilliant news. Would it be possible to have a speaker from a "
     "homelessness background one time?"),
    ("space", "callum", 86, "This would help so much. I only see other peer workers twice a "
     "year."),
    ("space", "jo", 29, "Loving it so far. A section for sharing job adverts would be great."),
    ("space", "hamish", 25, "Good to have somewhere that isn't Facebook."),
    ("regions", "euan", 68, "From Shetland, absolutely. Even once every two years would make a "
     "difference."),
    ("regions", "ahmed", 66, "Happy to travel north for a change!"),
    ("regions", "rhona", 19, "Thank you, this is great news. Tapadh leibh."),
    ("quarterly", "fiona", 60, "Tayside would host. We have a room at the recovery café."),
    ("training", "tariq", 105, "I could help plan it. We did something similar at the recovery "
     "college."),
    ("training", "niamh", 55, "I missed it: will there be another one?"),
    ("library", "mhairi", 40, "We have a good wellbeing plan template I can share once my "
     "manager says OK."),
    ("mentoring", "kirsty", 28, "I would volunteer as a mentor."),
    ("mentoring", "aileen", 27, "And I would have loved a mentor in my first year."),
    ("walk", "lorna", 19, "Count me in, as long as it is gentle!"),
    ("stream", "rhona", 43, "That makes sense. The written summaries are a good idea."),
    ("dropin", "duncan", 11, "Thursday suits me. Could it be voice only for those who prefer?"),
]  # fmt: skip


def seed(members: list[Member], regions: dict[str, Region]) -> None:
    """Add the ideas clinic to the demo network. Does not commit."""
    now = utcnow()
    people = {m.email.split("@")[0]: m for m in members + _more_people(members, regions)}
    voters = [m for m in people.values() if m.status == MemberStatus.ACTIVE]
    tags = {name: IdeaTag(name=name, slug=name) for name in TAGS}
    db.session.add_all(tags.values())
    made = {}
    for key, title, author, region, days, tag_names, votes, text in IDEAS:
        when = now - timedelta(days=days, hours=len(title) % 9)
        idea = Idea(
            title=title,
            author_id=people[author].id,
            region_id=regions[region].id if region else None,
            created_at=when,
            freshness=access.freshness(when),
            tags=[tags[t] for t in tag_names],
        )
        idea.set_body(text)
        db.session.add(idea)
        db.session.flush()
        board.index_title(idea)
        backers = [people[author]] + [v for v in voters if v is not people[author]]
        for n, voter in enumerate(backers[:votes]):
            db.session.add(
                IdeaVote(
                    idea_id=idea.id, member_id=voter.id, created_at=when + timedelta(hours=n * 7)
                )
            )
        made[key] = idea
    _conversation(made, people, now)
    _responses(made, people, now)
    _merge_duplicate(made, people, now)
    db.session.flush()
    access.recount([idea.id for idea in made.values()])


def _more_people(members: list[Member], regions: dict[str, Region]) -> list[Member]:
    password_hash = members[0].password_hash  # the demo password, hashed once already
    now = utcnow()
    extra = []
    for n, (name, local, region, organisation) in enumerate(MORE_PEOPLE):
        joined = now - timedelta(days=150 - n * 5)
        person = Member(
            email=f"{local}@{members[0].email.split('@')[1]}",
            display_name=name,
            password_hash=password_hash,
            region_id=regions[region].id,
            organisation=organisation,
            reason="Met the network at one of its events.",
            status=MemberStatus.ACTIVE,
            created_at=joined,
            decided_at=joined + timedelta(hours=20),
            consents=[
                Consent(kind=ConsentKind.HOUSE_RULES, document_version="1", given_at=joined),
                Consent(kind=ConsentKind.HEALTH_DATA, document_version="1", given_at=joined),
            ],
        )
        db.session.add(person)
        extra.append(person)
    db.session.flush()
    return extra


def _conversation(made: dict[str, Idea], people: dict[str, Member], now) -> None:
    for key, author, days, text in COMMENTS:
        comment = IdeaComment(
            idea_id=made[key].id, author_id=people[author].id, created_at=now - timedelta(days=days)
        )
        comment.set_body(text)
        db.session.add(comment)


def _responses(made: dict[str, Idea], people: dict[str, Member], now) -> None:
    for key, status, days, who, text in RESPONSES:
        idea = made[key]
        change = IdeaStatusChange(
            idea_id=idea.id,
            changed_by_id=people[who].id,
            from_status=idea.status,
            to_status=status,
            created_at=now - timedelta(days=days),
        )
        change.set_body(text)
        db.session.add(change)
        idea.status = status


def _merge_duplicate(made: dict[str, Idea], people: dict[str, Member], now) -> None:
    """Kenny merged Zara's duplicate into the closed online space idea (this commits)."""
    duplicate, target = made["duplicate"], made["space"]
    db.session.flush()
    idea_moderation.merge(people["kenny"], duplicate.id, target.id)
    change = db.session.scalar(
        sa.select(IdeaStatusChange).where(IdeaStatusChange.idea_id == duplicate.id)
    )
    change.created_at = now - timedelta(days=36)
