"""Demo forums: national forums, regional chat, and stories behind content warnings.

Called by ``demo.seed()`` once the demo people exist. Everything is written directly (no rate
limits, chosen times), then the counters are rebuilt with ``manage.recount``. Some posts are
edited (with their earlier version kept), and each demo member has read what is older than two
days, so the newest threads and replies show as new for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from forum.extensions import db
from forum.models import (
    ContentWarning,
    Forum,
    ForumAudience,
    Member,
    Post,
    PostRevision,
    Region,
    Thread,
    ThreadRead,
    WarningChoice,
    WarningPreference,
    utcnow,
)
from forum.services import posting
from forum.services.forums import manage

NATIONAL = [
    ("Introductions", "New here? Say hello and tell us a wee bit about yourself and your work."),
    (
        "Guiding document",
        "Shaping the network's guiding document together: our values, the words we use and how "
        "we look after each other.",
    ),
    ("Events", "Gatherings, training, ideas clinic sessions and the write-ups that follow."),
    (
        "Stories",
        "Stories of recovery and of practice, shared respectfully. Add a content warning when "
        "yours touches on something difficult.",
    ),
    (
        "Practice and advice",
        "Ask each other: boundaries, supervision, using lived experience at work, what worked.",
    ),
]
REGION_ONLY = "Lothian"  # one region keeps its forum to its own members, to show how it looks


@dataclass
class Said:
    by: str
    hours: float  # after the thread started
    text: str
    warnings: tuple[str, ...] = ()
    note: str = ""
    earlier: str | None = None  # an earlier version: the post was edited


@dataclass
class Topic:
    forum: str
    title: str
    days_ago: float
    posts: list[Said]
    pinned: bool = False
    earlier_title: str | None = None
    extra: dict = field(default_factory=dict)


TOPICS = [
    Topic("Introductions", "Hello from Fife: volunteer peer supporter", 12, [
        Said("callum", 0, "Hi all, I'm Callum. I volunteer two evenings a week at a drop-in in "
             "Kirkcaldy, mostly just being there with a cuppa when folk come in.\n\n"
             "I came to peer support after a few rough years of my own. Someone sat with me "
             "when I needed it, and I wanted to do the same. Looking forward to learning from "
             "people who've been at this a lot longer than me."),
        Said("morag", 2, "Welcome, Callum! Really glad you found us. \"Being there with a "
             "cuppa\" is a lot of what this work is, and it's harder than it sounds.\n\n"
             "Have a look at the **Guiding document** forum when you have a minute: we're "
             "working on draft 3 and fresh eyes are gold."),
        Said("jo", 5, "Hiya Callum, Jo here from the Borders. Our recovery college runs a free "
             "*Introduction to peer support* course online every term; happy to send you the "
             "details if it's any use."),
        Said("callum", 7, "Thanks both. Jo, yes please, that would be great."),
    ]),
    Topic("Introductions", "New to peer work in Glasgow", 20, [
        Said("ahmed", 0, "Hello everyone. I started as a peer worker with a community mental "
             "health team in the south side three months ago. Before that I was on the other "
             "side of the desk for a long time.\n\nStill finding my feet with how much of my "
             "own story to share and when. Any tips welcome."),
        Said("kenny", 1.5, "Welcome Ahmed, fellow Glaswegian. Good question to be asking. My "
             "rule of thumb: share what helps the person in front of you, not what helps you. "
             "If I'm not sure, I don't, and I bring it to supervision instead."),
        Said("isla", 26, "Hi Ahmed, Isla from Highland. Three months in is exactly when it "
             "starts to feel real. Be kind to yourself. There's a thread in *Practice and "
             "advice* on boundaries that might help."),
    ]),
    Topic("Introductions", "Rhona from the Western Isles: peer research", 5, [
        Said("rhona", 0, "Halò! I'm Rhona, based in Stornoway. I'm a peer researcher looking "
             "at what peer support looks like when the nearest service is a ferry away.\n\n"
             "If you work somewhere rural or remote I'd love to hear from you (no pressure, "
             "and nothing gets written up without your say-so)."),
        Said("isla", 3, "Another person who plans their week around the weather forecast! "
             "Would love to chat. Half my people are an hour's drive from Inverness."),
        Said("fiona", 20, "Welcome Rhona. We have a few peer workers covering rural Angus and "
             "Perthshire who'd have a lot to say. I'll point them your way."),
    ]),
    Topic("Guiding document", "Draft 3 of the guiding document: comments welcome by Friday", 9, [
        Said("morag", 0, "Here's draft 3, after the conversations at the autumn gathering. "
             "The main changes:\n\n"
             "1. **Our values** now lead with *mutuality*, as so many of you asked.\n"
             "2. **What peer support is, and what it isn't** has a new section on working "
             "alongside clinical teams.\n"
             "3. **Language we use** is shorter and plainer.\n"
             "4. **Looking after each other** is new: supervision, debriefs and rest.\n\n"
             "Comment here by Friday and I'll gather everything for the working group.",
             earlier="Here's draft 3, after the conversations at the autumn gathering. "
             "Comment here and I'll gather everything for the working group."),
        Said("kenny", 4, "Thanks Morag. On *Language we use*: I'd keep \"person with lived "
             "experience\" but drop \"service user\" entirely. Plenty of folk we work with "
             "have never used a service and never will.",
             earlier="Thanks Morag. On language: drop \"service user\"."),
        Said("fiona", 7, "From a manager's point of view, section 2 is really helpful. It "
             "gives me something to hand to clinical colleagues who aren't sure what our "
             "peer workers are there to do. Could we add a line on *who* a peer worker goes "
             "to when a boundary feels wobbly?"),
        Said("jo", 30, "Could we have a plain English, one-page version as well? Some of the "
             "people at our college would never read six pages, but they'd absolutely read "
             "one."),
        Said("morag", 50, "All noted, thank you. Jo, a one-page version is a lovely idea and "
             "I'll ask the working group to draft it together rather than after."),
    ], pinned=True),
    Topic("Guiding document", "How do we describe \"lived experience\" without making it a "
          "job requirement?", 4, [
        Said("jo", 0, "Something that came up at our team meeting. Job adverts for peer roles "
             "ask for \"lived experience of mental ill health\". Fair enough. But some people "
             "felt it pushes them to *prove* it, and to tell their story at interview before "
             "they're ready.\n\nHow do others word it?"),
        Said("rhona", 6, "In the research interviews this came up again and again. What "
             "worked better in one advert: \"You'll draw on your own experience of recovery. "
             "You decide what, when and how much to share.\""),
        Said("ahmed", 9, "That wording would have made a difference to me. At my interview I "
             "felt I had to tell everything in the first ten minutes."),
        Said("isla", 52, "Could the guiding document say this outright? *Nobody owes anyone "
             "their story, including at interview.*"),
    ]),
    Topic("Events", "Ideas clinic write-up: making peer support visible at hospital discharge",
          6, [
        Said("isla", 0, "Thanks to the fourteen of you from six regions who joined Tuesday's "
             "ideas clinic. Here's the write-up.\n\n"
             "### The challenge\n\n"
             "People leave hospital and never hear that peer support exists, even where it "
             "does.\n\n"
             "### Ideas we worked on\n\n"
             "- A **one-page card** in discharge packs, written by peer workers, not about "
             "them.\n"
             "- Peer workers joining the **weekly ward meeting** in two test sites.\n"
             "- A **\"ring-back\"** a week after discharge, if the person says yes.\n\n"
             "### Next steps\n\n"
             "Fiona and Kenny will test the card in Tayside and Glasgow. We'll meet again in "
             "six weeks to hear how it went.",
             earlier="Thanks to everyone who joined Tuesday's ideas clinic. Write-up to "
             "follow once I've typed up the flipcharts!"),
        Said("fiona", 5, "Brilliant session, thanks Isla. Our discharge coordinator is keen on "
             "the card already."),
        Said("callum", 22, "Missed this one because of work. Will the next clinic be online "
             "too? The evenings suit volunteers better."),
        Said("morag", 24, "Callum, we'll do the next one on a Wednesday evening, online. "
             "Good shout."),
    ]),
    Topic("Events", "National gathering in Perth, 14 March: who's going?", 3, [
        Said("fiona", 0, "The spring gathering is booked: **Saturday 14 March, 10am to 3.30pm, "
             "in Perth**, five minutes' walk from the station.\n\n"
             "- Free, lunch included (tell us what you can eat).\n"
             "- Travel bursaries for anyone who needs one, no questions asked.\n"
             "- A quiet room all day, and you can leave whenever you need to.\n\n"
             "Say here if you're coming so we can get numbers."),
        Said("callum", 4, "I'll be there. First one for me, so a wee bit nervous."),
        Said("rhona", 6, "Ferry permitting, me too!"),
        Said("ahmed", 30, "Count me in. Callum, I was nervous at my first one too. Come and "
             "find me at the tea urn."),
        Said("kenny", 60, "Glasgow folk: we're getting the 8.41 from Queen Street together if "
             "anyone wants company on the train."),
    ]),
    Topic("Events", "Online: wellbeing for peer workers, Tuesday lunchtimes", 1, [
        Said("jo", 0, "We're running a short online space for peer workers, Tuesdays 12.30 to "
             "1pm for six weeks. Not training, just a breather: a check-in, something calming "
             "and a chance to talk if you want to. Cameras optional.\n\n"
             "Reply here or message me for the link."),
        Said("fiona", 5, "Sharing this with my team. Thank you, Jo."),
    ]),
    Topic("Stories", "Ten years on: what got me through", 15, [
        Said("kenny", 0, "It's ten years this month since the worst night of my life. I've "
             "never written it down before, so bear with me.\n\n"
             "I'd stopped believing things could change. I'd made a plan, and I was very close "
             "to acting on it. What stopped me wasn't a service or a leaflet. It was my "
             "neighbour, who knocked because she'd not seen my lights on, and who sat on my "
             "kitchen floor with me until the morning.\n\n"
             "The years after weren't a straight line. But that night taught me that one "
             "person turning up can be enough to get someone to the next day. It's why I do "
             "this work.\n\n"
             "> Hope is being able to see that there is light despite all of the darkness.\n"
             ">\n> (Desmond Tutu)\n\n"
             "If today is a hard day for you, the *Need urgent help?* link is at the top of "
             "every page.",
             warnings=("suicide",),
             note="mentions a suicide attempt; mostly about hope"),
        Said("isla", 3, "Kenny, thank you for trusting us with this. Your neighbour sounds "
             "like the best of what we try to be."),
        Said("ahmed", 5, "Reading this on my break and I've had to sit for a minute. Thank "
             "you. I'm glad you're here."),
        Said("callum", 28, "\"One person turning up can be enough.\" I'm writing that on the "
             "inside of my notebook."),
    ]),
    Topic("Stories", "Losing my dad, and going back to work as a peer worker", 8, [
        Said("fiona", 0, "My dad died in the autumn, quite suddenly. I went back to work after "
             "three weeks because I thought I was ready. I wasn't.\n\n"
             "What helped, eventually: a manager who said *\"take the afternoon\"* without me "
             "having to explain, and a peer worker on my own team who simply said, \"I lost "
             "my mum. It's rubbish. I'm here.\"\n\n"
             "I'm sharing because I manage peer workers, and I think I understand grief at "
             "work a lot better now than I did a year ago.",
             warnings=("bereavement",),
             note="about grief and returning to work"),
        Said("jo", 6, "Sending you a lot of warmth, Fiona. \"It's rubbish. I'm here\" might be "
             "the best peer support sentence I've ever read."),
        Said("rhona", 30, "Thank you for this. We don't talk enough about grief among peer "
             "workers ourselves.",
             warnings=("bereavement",)),
    ]),
    Topic("Stories", "The night the drop-in made the difference", 2, [
        Said("callum", 0, "A story from the drop-in, shared with his permission and with "
             "details changed.\n\n"
             "A man came in last month who'd been drinking all day and had nowhere to go. He "
             "didn't want advice, he wanted to not be on his own. We sat and watched the "
             "football with the sound off and ate toast. Around ten he asked about the "
             "recovery café on Thursdays.\n\n"
             "He's been three times since. I don't know where it goes from here, but I keep "
             "thinking about the toast.",
             warnings=("substance use",),
             note="drinking, and a hopeful ending"),
        Said("kenny", 3, "The toast matters. It always does."),
        Said("isla", 20, "This is everything peer support is. Thanks for writing it up, "
             "Callum."),
    ]),
    Topic("Stories", "Food, control and finding my voice", 1, [
        Said("rhona", 0, "For a long time, food was the one thing I felt I could control. I "
             "won't go into numbers or details, because I know how those can land.\n\n"
             "What changed things was a peer group where nobody talked about weight at all. "
             "We talked about what we'd lost to the illness: friends, nights out, being "
             "spontaneous. Naming that made me want them back more than I wanted the "
             "control.\n\n"
             "I'm well now, and I still keep that list.",
             warnings=("eating difficulties",),
             note="no numbers or details"),
        Said("jo", 4, "Thank you, Rhona. \"What we'd lost to the illness\" is such a gentle "
             "way in. I'd love to hear more about how that group worked."),
    ]),
    Topic("Stories", "Why I still use my first peer worker's words", 11, [
        Said("jo", 0, "The first peer worker I ever met said to me, \"You're the expert in "
             "you. I'm just someone who's been somewhere a bit like it.\"\n\n"
             "I use those words nearly every week. Who said the thing that stuck with you?"),
        Said("ahmed", 2, "\"We'll go at your pace, not the system's.\" Still gets me."),
        Said("kenny", 3, "\"You don't have to be better to be here.\""),
        Said("isla", 24, "\"Rest is part of the work.\" I need reminding of that one."),
    ]),
    Topic("Practice and advice", "Boundaries when someone you support messages you at night",
          7, [
        Said("ahmed", 0, "Someone I support has started messaging my work phone late at night. "
             "Nothing urgent, mostly just wanting to chat. I don't want them to feel pushed "
             "away, but I'm starting to dread my phone.\n\nHow do you handle this?"),
        Said("kenny", 2, "Been there. What worked for me:\n\n"
             "- Phone off at the end of the shift, and say so in advance: *\"I'll reply in "
             "the morning.\"*\n"
             "- Give them the out-of-hours options (Breathing Space is great for this).\n"
             "- Talk about it openly at your next meeting, not as a telling-off but as "
             "planning together.\n\n"
             "And take it to supervision. Dreading your phone is a sign, not a failing."),
        Said("fiona", 6, "Manager hat on: please tell your manager. This is exactly the sort "
             "of thing a service should be carrying with you, not leaving you to manage on "
             "your own.",
             earlier="Manager hat on: tell your manager."),
        Said("isla", 30, "One more: I once self-harmed as a teenager and a late-night message "
             "about it brought a lot back for me. It's okay to say a message was hard for "
             "you too, and to pass it on to someone who can respond properly at that hour.",
             warnings=("self-harm",),
             note="briefly mentions my own past self-harm"),
        Said("ahmed", 48, "Thank you all. Spoke to my manager today and we've got a plan. "
             "Feeling much lighter."),
    ]),
    Topic("Practice and advice", "Supervision: what does good look like for you?", 2, [
        Said("callum", 0, "As a volunteer I get supervision once a month, and honestly I'm not "
             "sure what to bring. What makes supervision good for you?"),
        Said("rhona", 5, "Good supervision for me is when someone asks *\"how are you, "
             "really?\"* and then waits for the answer."),
        Said("kenny", 26, "Bring the thing you keep thinking about on the bus home. That's "
             "usually the one."),
    ]),
    Topic("Greater Glasgow and Clyde", "Glasgow peer workers' meet-up: first Thursday of the "
          "month", 14, [
        Said("kenny", 0, "We meet on the first Thursday of every month, 6pm, upstairs at the "
             "Tron café. No agenda, just a chance to see friendly faces. Newer folk especially "
             "welcome."),
        Said("ahmed", 3, "I'll come along this month. Is it okay to just turn up?"),
        Said("kenny", 4, "Absolutely. Look for the table with too many teapots."),
    ]),
    Topic("Highland", "Getting to training when you live two hours from Inverness", 10, [
        Said("isla", 0, "Half our peer workers are at least two hours from anywhere training "
             "happens. What's worked for others? We've tried online, but people say they "
             "miss the chat at lunch."),
        Said("rhona", 8, "On the islands we do a hybrid: one person hosts a room locally with "
             "good tea, and everyone joins the training together from there. Keeps the "
             "lunch chat!"),
        Said("isla", 10, "Love that. Trying it in Skye next month."),
    ]),
    Topic("Lothian", "Lothian team: handover notes for the new year", 6, [
        Said("morag", 0, "Just for Lothian folk: the handover notes for January are in the "
             "shared folder. Two things to flag:\n\n"
             "1. The Leith drop-in moves to Wednesdays.\n"
             "2. We have funding for two more peer worker posts from April."),
        Said("kenny", 20, "Moderator hat on, just checking in: the notes look good, Morag."),
    ]),
    Topic("Tayside", "Dundee recovery walk: volunteers needed", 4, [
        Said("fiona", 0, "The Dundee recovery walk is on Sunday the 8th. We need six "
             "volunteers for the water stations and the welcome tent. A couple of hours, "
             "tea and bacon rolls provided."),
        Said("callum", 7, "I'm just over the bridge in Fife, happy to help."),
    ]),
    Topic("Borders", "Recovery college spring prospectus is out", 3, [
        Said("jo", 0, "Our spring courses are up. Highlights: *Telling your story safely*, "
             "*Sleep and wellbeing*, and a new *Peer support for carers*. All free, all "
             "co-produced. Borders folk get first dibs, but the online ones are open to "
             "anyone in the network."),
    ]),
]  # fmt: skip


def seed_forums(members: list[Member]) -> None:
    """Forums, threads, replies, read positions and one member's warning choices."""
    now = utcnow()
    people = {m.email.split("@")[0]: m for m in members}
    by_name = _forums()
    warnings = {w.name: w for w in db.session.scalars(sa.select(ContentWarning))}
    threads = [_topic(topic, by_name, people, warnings, now) for topic in TOPICS]
    db.session.flush()
    manage.recount()
    _reading(people, threads, now - timedelta(days=2))
    ahmed = people["ahmed"]
    db.session.add(
        WarningPreference(
            member_id=ahmed.id,
            warning_id=warnings["eating difficulties"].id,
            choice=WarningChoice.HIDE,
        )
    )


def _forums() -> dict[str, Forum]:
    national = {}
    for position, (name, description) in enumerate(NATIONAL):
        forum = Forum(name=name, slug=name.lower().replace(" ", "-"), description=description)
        forum.position = position
        db.session.add(forum)
        national[name] = forum
    for room in db.session.scalars(sa.select(Forum).where(Forum.staff_only.is_(True))):
        room.position = len(NATIONAL)  # the moderators' room after the members' forums
    regional = {
        f.region.name: f
        for f in db.session.scalars(sa.select(Forum).join(Region, Region.id == Forum.region_id))
    }
    regional[REGION_ONLY].audience = ForumAudience.REGION
    db.session.flush()
    return national | regional


def _topic(topic: Topic, by_name, people, warnings, now: datetime) -> Thread:
    start = now - timedelta(days=topic.days_ago)
    first = topic.posts[0]
    thread = Thread(
        forum_id=by_name[topic.forum].id,
        author_id=people[first.by].id,
        title=topic.title,
        created_at=start,
        last_post_at=start,
        pinned=topic.pinned,
    )
    db.session.add(thread)
    db.session.flush()
    for said in topic.posts:
        at = min(start + timedelta(hours=said.hours), now - timedelta(minutes=5))
        _post(thread, said, people, warnings, at)
    return thread


def _post(thread: Thread, said: Said, people, warnings, at: datetime) -> Post:
    post = Post(
        thread_id=thread.id,
        author_id=people[said.by].id,
        created_at=at,
        warnings=[warnings[name] for name in said.warnings],
        warning_note=said.note,
    )
    post.set_body(said.earlier or said.text)
    post.fingerprint = posting.fingerprint(said.text)
    db.session.add(post)
    if said.earlier:
        db.session.flush()
        revision = PostRevision(
            post_id=post.id,
            written_at=at,
            replaced_at=at + timedelta(minutes=40),
            warning_names=", ".join(said.warnings),
            warning_note=said.note,
        )
        revision.set_body(said.earlier)
        db.session.add(revision)
        post.set_body(said.text)
        post.edited_at = at + timedelta(minutes=40)
    return post


def _reading(people: dict[str, Member], threads: list[Thread], cutoff: datetime) -> None:
    """Each active demo member has read everything up to ``cutoff``, and their own posts."""
    rows = db.session.execute(
        sa.select(Post.id, Post.thread_id, Post.author_id, Post.created_at).order_by(Post.id)
    ).all()
    for member in people.values():
        if not member.is_member:
            continue
        read: dict[int, int] = {}
        for post_id, thread_id, author_id, created_at in rows:
            if created_at < cutoff or author_id == member.id:
                read[thread_id] = post_id
        db.session.add_all(
            ThreadRead(member_id=member.id, thread_id=t, last_read_post_id=p)
            for t, p in read.items()
        )
