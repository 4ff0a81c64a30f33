"""Checker cases for shared resources, each an edit of the plan file dictionary of ``small_plan()``.

``test_checker.py`` runs them with its other cases: each ``breaks`` edit must be reported as
exactly its rule, each ``keeps`` edit stays valid.
"""

from __future__ import annotations

from typing import Any

FRI, MON = "2018-10-26", "2018-10-29"


def _fri(clock: str) -> str:
    return f"{FRI}T{clock}:00+02:00"


def _mon(clock: str) -> str:
    return f"{MON}T{clock}:00+01:00"


def with_escort(data: dict[str, Any], *, escort_until: str = "19:00", uses: list[str] | None = None,
                needs: list[str] | None = None) -> None:
    """An escort (``escort-1``, hours Fri 09:00 to ``escort_until``, Mon 09:00–19:00), a second
    escort and a room at PSOE; PSOE needs ``needs`` (the escort) and uses ``uses``."""
    data["resources"] = [
        {"id": "escort-1", "name": "Irene", "kind": "escort", "travels": True, "location": None,
         "hours": [[_fri("09:00"), _fri(escort_until)], [_mon("09:00"), _mon("19:00")]]},
        {"id": "escort-2", "name": "Jon", "kind": "escort", "travels": True, "location": None,
         "hours": [[_fri("09:00"), _fri("19:00")]]},
        {"id": "room-1", "name": "Meeting room", "kind": "room", "travels": False, "location": "PSOE",
         "hours": [[_fri("09:00"), _fri("19:00")], [_mon("09:00"), _mon("19:00")]]},
    ]
    psoe = next(item for item in data["requests"] if item["id"] == "psoe")
    psoe["needs"] = ["escort-1"] if needs is None else needs
    for engagement in data["engagements"]:
        engagement["resources"] = []
    next(e for e in data["engagements"] if e["request_id"] == "psoe")["resources"] = \
        ["escort-1"] if uses is None else uses


def psoe_without_its_escort(data: dict[str, Any]) -> None:
    """PSOE needs the escort and lists no resource."""
    with_escort(data, uses=[])


def psoe_with_its_escort(data: dict[str, Any]) -> None:
    """PSOE needs the escort and lists it."""
    with_escort(data)


def psoe_with_the_room_for_an_escort(data: dict[str, Any]) -> None:
    """PSOE needs any escort and lists the room."""
    with_escort(data, needs=["kind:escort"], uses=["room-1"])


def psoe_with_the_other_escort(data: dict[str, Any]) -> None:
    """PSOE needs any escort and lists the second one."""
    with_escort(data, needs=["kind:escort"], uses=["escort-2"])


def radio_with_a_resource_it_does_not_need(data: dict[str, Any]) -> None:
    """The radio interview needs nothing but lists the escort."""
    with_escort(data)
    next(e for e in data["engagements"] if e["request_id"] == "radio")["resources"] = ["escort-1"]


def psoe_with_the_room_and_its_escort(data: dict[str, Any]) -> None:
    """PSOE, at the room's place, needs the escort and the room and lists both."""
    with_escort(data, needs=["escort-1", "kind:room"], uses=["escort-1", "room-1"])


def tv_with_the_room_of_psoe(data: dict[str, Any]) -> None:
    """Telemadrid, at its studio, needs any room and lists the room at PSOE."""
    with_escort(data)
    next(r for r in data["requests"] if r["id"] == "tv")["needs"] = ["kind:room"]
    next(e for e in data["engagements"] if e["request_id"] == "tv")["resources"] = ["room-1"]


def escort_gone_a_minute_before_psoe_ends(data: dict[str, Any]) -> None:
    """The escort's Friday ends at 10:59; PSOE runs 10:00–11:00."""
    with_escort(data, escort_until="10:59")


def escort_gone_as_psoe_ends(data: dict[str, Any]) -> None:
    """The escort's Friday ends at 11:00, as PSOE ends."""
    with_escort(data, escort_until="11:00")


def escort_off_on_friday(data: dict[str, Any]) -> None:
    """The escort has no hours on Friday at all."""
    with_escort(data)
    data["resources"][0]["hours"] = [[_mon("09:00"), _mon("19:00")]]


#: (rule, the edit that breaks it alone, its near miss that keeps every rule)
RESOURCE_CASES = (
    ("resource_needs", psoe_without_its_escort, psoe_with_its_escort),
    ("resource_needs", psoe_with_the_room_for_an_escort, psoe_with_the_other_escort),
    ("resource_needs", radio_with_a_resource_it_does_not_need, psoe_with_its_escort),
    ("resource_needs", tv_with_the_room_of_psoe, psoe_with_the_room_and_its_escort),
    ("resource_hours", escort_gone_a_minute_before_psoe_ends, escort_gone_as_psoe_ends),
    ("resource_hours", escort_off_on_friday, escort_gone_as_psoe_ends),
)
