"""The shape of the benchmark data: long tails, and who could have written what, when.

Pure functions of a seeded ``random.Random`` (no database), used by
``forum.services.benchdata``:

- ``long_tail``: weights where most items are ordinary and a few are far bigger (a lognormal
  body plus a Lomax tail taken at evenly spaced quantiles, so the size of the longest item is
  steady from one seed to the next rather than a lottery).
- ``spread``: a total cut into whole numbers in proportion to weights, none above its cap,
  adding up exactly (thread lengths, votes per idea, comments per idea).
- ``Population``: members in the order they joined, each with how much they write, so that a
  post written on a given day gets an author who had joined by then, the busiest most often.
"""

from __future__ import annotations

import bisect
import itertools
import random
from collections.abc import Sequence
from datetime import datetime


def long_tail(
    rng: random.Random, n: int, *, alpha: float = 1.2, spread: float = 0.9, tail: float = 0.1
) -> list[float]:
    """``n`` weights: lognormal(0, ``spread``) plus ``tail`` times a Lomax(``alpha``) quantile.

    With 5,000 items the largest is some 40 times the median, the tenth largest some 10 times.
    """
    quantiles = [(i + 0.5) / n for i in range(n)]
    rng.shuffle(quantiles)
    return [rng.lognormvariate(0, spread) + tail * ((1 - q) ** (-1 / alpha) - 1) for q in quantiles]


def spread(total: int, weights: Sequence[float], caps: Sequence[int] | None = None) -> list[int]:
    """``total`` as whole numbers in proportion to ``weights`` (largest remainders), none above
    its cap; what a capped item cannot take goes to the others. Raises ValueError when the caps
    cannot hold the total."""
    n = len(weights)
    caps = list(caps) if caps is not None else [total] * n
    if total > sum(caps):
        raise ValueError(f"{total:,} cannot fit in {n:,} places holding {sum(caps):,} in all")
    counts = [0] * n
    open_ = [i for i in range(n) if caps[i] > 0]
    while (left := total - sum(counts)) > 0:
        mass = sum(weights[i] for i in open_) or 1.0
        shares = {i: left * weights[i] / mass for i in open_}
        whole = {i: int(share) for i, share in shares.items()}
        extra = left - sum(whole.values())
        by_rest = sorted(open_, key=lambda i: shares[i] - whole[i], reverse=True)
        for i in by_rest[:extra]:
            whole[i] += 1
        for i in open_:
            counts[i] += min(whole[i], caps[i] - counts[i])
        open_ = [i for i in open_ if counts[i] < caps[i]]
    return counts


class Population:
    """Members in the order they joined, with a weight for how much each of them writes."""

    def __init__(self, people: Sequence[tuple[datetime, int, float]]):
        people = sorted(people)
        self.joined = [p[0] for p in people]
        self.ids = [p[1] for p in people]
        self.cumulative = list(itertools.accumulate(p[2] for p in people))

    def __len__(self) -> int:
        return len(self.ids)

    def joined_by(self, when: datetime) -> int:
        """How many had joined by ``when``."""
        return bisect.bisect_right(self.joined, when)

    def pick(self, rng: random.Random, when: datetime) -> int | None:
        """One member who had joined by ``when``, in proportion to their weight (None: nobody)."""
        n = self.joined_by(when)
        if not n:
            return None
        point = rng.random() * self.cumulative[n - 1]
        return self.ids[min(bisect.bisect_right(self.cumulative, point), n - 1)]

    def sample(self, rng: random.Random, when: datetime, k: int) -> list[int]:
        """``k`` different members who had joined by ``when`` (fewer if there are not as many)."""
        n = self.joined_by(when)
        return [self.ids[i] for i in rng.sample(range(n), min(k, n))]
