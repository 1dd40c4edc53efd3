"""The two message brokers behind live updates keep the same promises.

Every test runs on the in-process broker and on the Redis one (which skips without Redis
locally, and fails on CI where Redis must be there).
"""

import secrets
import threading

import pytest

from forum.services.live.brokers import BrokerUnavailable, InProcessBroker, RedisBroker

SOON = 10.0  # seconds to wait for an event that should arrive at once


@pytest.fixture
def redis_brokers(request):
    """Make Redis brokers sharing one fresh key prefix (like several app processes)."""
    url = request.getfixturevalue("redis_url")
    prefix = f"forum-test:{secrets.token_hex(4)}"
    made = []

    def make(**sizes):
        made.append(RedisBroker(url, prefix=prefix, **sizes))
        return made[-1]

    yield make
    for broker in made:
        broker.close()
    import redis

    redis.Redis.from_url(url).delete(f"{prefix}:state", f"{prefix}:buffer")


@pytest.fixture(params=["in-process", "redis"])
def make_broker(request):
    if request.param == "in-process":
        return InProcessBroker
    return request.getfixturevalue("redis_brokers")


def drain(subscription, timeout=0.3):
    """Every event waiting in a subscription (waiting up to ``timeout`` for each)."""
    events = []
    while (event := subscription.get(timeout)) is not None:
        events.append(event)
    return events


def test_subscriber_hears_its_topics_and_nothing_else(make_broker):
    broker = make_broker()
    moderators, _ = broker.subscribe(["moderation"])
    broker.publish("thread:1", "thread-1")
    broker.publish("moderation", "moderation")
    assert [(e.topic, e.name) for e in drain(moderators)] == [("moderation", "moderation")]


def test_events_arrive_in_the_order_they_were_published(make_broker):
    broker = make_broker()
    subscription, _ = broker.subscribe(["thread:1"])
    published = [broker.publish("thread:1", f"post-{n}") for n in range(20)]
    received = drain(subscription)
    assert [e.id for e in received] == [e.id for e in published]
    assert [e.seq for e in received] == sorted(e.seq for e in received)


def test_reconnecting_subscriber_gets_what_it_missed(make_broker):
    broker = make_broker()
    seen = broker.publish("thread:1", "post-1")
    broker.publish("thread:1", "post-2")
    broker.publish("thread:2", "post-3")  # another topic: not replayed
    broker.publish("thread:1", "post-4")
    subscription, replay = broker.subscribe(["thread:1"], after=seen.id)
    assert replay.complete
    assert [e.name for e in replay.events] == ["post-2", "post-4"]
    subscription.close()


def test_subscriber_up_to_date_gets_no_replay(make_broker):
    broker = make_broker()
    broker.publish("thread:1", "post-1")
    _subscription, replay = broker.subscribe(["thread:1"], after=broker.cursor())
    assert replay.complete and replay.events == ()


def test_missed_events_older_than_the_buffer_ask_for_a_refresh(make_broker):
    broker = make_broker(replay_size=3)
    seen = broker.publish("thread:1", "post-1")
    for n in range(2, 8):
        broker.publish("thread:1", f"post-{n}")
    _subscription, replay = broker.subscribe(["thread:1"], after=seen.id)
    assert not replay.complete
    assert replay.head == broker.cursor()


@pytest.mark.parametrize("after", ["0123abcd-5", "nonsense", "x" * 200])
def test_an_id_from_another_epoch_or_malformed_asks_for_a_refresh(make_broker, after):
    broker = make_broker()
    broker.publish("thread:1", "post-1")
    _subscription, replay = broker.subscribe(["thread:1"], after=after)
    assert not replay.complete and replay.events == ()


def test_cursor_names_the_newest_event(make_broker):
    broker = make_broker()
    before = broker.cursor()
    event = broker.publish("moderation", "moderation")
    assert broker.cursor() == event.id != before


def test_closed_subscription_hears_nothing_more(make_broker):
    broker = make_broker()
    subscription, _ = broker.subscribe(["moderation"])
    subscription.close()
    broker.publish("moderation", "moderation")
    assert drain(subscription, timeout=0.2) == []
    assert broker.subscriber_count() == 0


def test_slow_subscriber_is_told_to_refresh_instead_of_holding_events(make_broker):
    broker = make_broker(queue_size=5)
    subscription, _ = broker.subscribe(["thread:1"])
    for n in range(12):
        broker.publish("thread:1", f"post-{n}")
    broker.publish("thread:2", "post-99")  # let the last event of thread 1 arrive first
    _ = drain(subscription, timeout=0.5)
    assert subscription.take_lost()
    assert not subscription.take_lost()  # said once


def test_an_event_from_another_thread_wakes_a_waiting_subscriber(make_broker):
    broker = make_broker()
    subscription, _ = broker.subscribe(["moderation"])
    threading.Timer(0.2, broker.publish, ("moderation", "moderation")).start()
    event = subscription.get(SOON)
    assert event is not None and event.name == "moderation"


def test_an_event_published_through_one_redis_broker_reaches_another(redis_brokers):
    """Two brokers on one Redis stand for two app processes (or machines)."""
    here, there = redis_brokers(), redis_brokers()
    subscription, _ = there.subscribe(["moderation"])
    published = here.publish("moderation", "moderation")
    received = subscription.get(SOON)
    assert received == published


@pytest.fixture
def unreachable_broker():
    """A Redis broker pointed at a port where nothing listens; closed after the test."""
    broker = RedisBroker("redis://127.0.0.1:1/0", ready_timeout=0.5)
    yield broker
    broker.close()


def test_unreachable_redis_is_reported_not_hidden(unreachable_broker):
    broker = unreachable_broker
    with pytest.raises(BrokerUnavailable):
        broker.publish("moderation", "moderation")
    with pytest.raises(BrokerUnavailable):
        broker.subscribe(["moderation"])
    assert broker.cursor() is None
