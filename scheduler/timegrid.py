"""Real zone-aware times to integer minutes and back: the only place with clock arithmetic for the solver.

The solver counts minutes from an epoch (local midnight of the tour's first day). The count
runs on the real clock (through UTC), so a day with a daylight-saving change simply has 1,380
or 1,500 minutes, and 10:00 local is 10:00 local on both sides of the change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from .domain import Tour, utc


@dataclass(frozen=True, slots=True)
class TimeGrid:
    """Converts between aware datetimes and whole minutes since ``epoch``."""

    epoch: datetime
    zone: ZoneInfo

    @classmethod
    def for_tour(cls, tour: Tour) -> "TimeGrid":
        """The grid whose minute 0 is local midnight of the tour's first day."""
        zone = tour.zone
        first = tour.days[0].date
        epoch = datetime.combine(first, time(0, 0), tzinfo=zone)
        return cls(epoch=utc(epoch), zone=zone)

    def minutes(self, moment: datetime) -> int:
        """Minutes from the epoch to ``moment``; the moment must fall on a whole minute."""
        delta = utc(moment) - self.epoch
        whole, rest = divmod(delta, timedelta(minutes=1))
        if rest:
            raise ValueError(f"time {moment.isoformat()} is not on a whole minute")
        return int(whole)

    def minutes_ceil(self, moment: datetime) -> int:
        """Minutes from the epoch to ``moment``, rounded up to the next whole minute."""
        delta = utc(moment) - self.epoch
        whole, rest = divmod(delta, timedelta(minutes=1))
        return int(whole) + (1 if rest else 0)

    def minutes_floor(self, moment: datetime) -> int:
        """Minutes from the epoch to ``moment``, rounded down."""
        return int((utc(moment) - self.epoch) // timedelta(minutes=1))

    def moment(self, minutes: int) -> datetime:
        """The aware datetime, in the tour's zone, ``minutes`` after the epoch."""
        return (self.epoch + timedelta(minutes=int(minutes))).astimezone(self.zone)



def repeated_hour_pass(moment: datetime, zone: tzinfo | None = None) -> int | None:
    """Which pass of a repeated hour ``moment`` falls in, read in ``zone`` (default: its own).

    When the clocks go back, the local times of the hour before the change happen twice.

    Returns
    -------
    int or None
        ``1`` or ``2`` for the first or second time that local time happens; ``None`` when
        the local time happens only once.
    """
    local = moment.astimezone(zone) if zone is not None else moment
    other = local.replace(fold=1 - local.fold)
    if other.utcoffset() == local.utcoffset():
        return None
    return 2 if local.fold else 1
