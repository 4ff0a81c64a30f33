"""tour.toml ``[[rules]]``: each rule read and checked, its ids later checked against requests.csv."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from scheduler.domain import RULE_KINDS, TourRule
from scheduler.io.issues import IssueLog, Suggester, did_you_mean
from scheduler.io.tomlfile import TomlTable

__all__ = ["MAX_GAP_MINUTES", "RuleEntry", "check_rule_ids", "read_rules"]

#: The longest gap a rule may ask for: a week.
MAX_GAP_MINUTES = 7 * 24 * 60
_KEYS = {"before": ("kind", "first", "then"), "apart": ("kind", "requests"),
         "gap": ("kind", "requests", "minutes")}


@dataclass(frozen=True, slots=True)
class NamedId:
    """A request id as written in a rule: where, to report it when requests.csv lacks it."""

    request_id: str
    line: int | None
    field: str


@dataclass(frozen=True, slots=True)
class RuleEntry:
    """A ``[[rules]]`` entry of a known kind: the rule (``None`` when it has a problem) and
    where each of its ids is written (checked against requests.csv either way)."""

    label: str
    rule: TourRule | None
    ids: tuple[NamedId, ...]


def read_rules(top: TomlTable) -> tuple[RuleEntry, ...]:
    """Read every ``[[rules]]`` entry of tour.toml, recording each problem with its line and key.

    A rule's ``number`` counts the rules of its kind from 1 in file order, entries with
    problems included, so that "rule gap #2" is the second gap rule of the file.

    Parameters
    ----------
    top
        The whole tour.toml.

    Returns
    -------
    tuple of RuleEntry
        The rules of a known kind, in file order.
    """
    counts = dict.fromkeys(RULE_KINDS, 0)
    entries = []
    for table in top.tables("rules"):
        kind = table.text("kind", required=True)
        if kind is None:
            continue
        if kind not in RULE_KINDS:
            table.problem("kind", f"unknown rule kind `{kind}`{did_you_mean(kind, RULE_KINDS)}; "
                          f"the kinds are: {', '.join(RULE_KINDS)}")
            continue
        counts[kind] += 1
        entries.append(_read_rule(table, kind, counts[kind]))
    return tuple(entries)


def _read_rule(table: TomlTable, kind: str, number: int) -> RuleEntry:
    label = f"rule {kind} #{number}"
    before = len(table.log)
    table.check_keys(_KEYS[kind])
    keys = ("first", "then") if kind == "before" else ("requests",)
    lists = {key: _ids(table, key, label) for key in keys}
    minutes = 0
    if kind == "gap":
        minutes = table.whole("minutes", required=True, maximum=MAX_GAP_MINUTES)
    seen: dict[str, str] = {}
    for key in keys:
        for request_id in lists[key] or ():
            if request_id in seen:
                again = "again" if seen[request_id] == key else f"in both {seen[request_id]} and {key}"
                table.problem(key, f"{label} names `{request_id}` {again}; name each request once")
            seen.setdefault(request_id, key)
    for key in keys:
        least = 1 if kind == "before" else 2
        if lists[key] is not None and len(set(lists[key])) < least:
            what = "one request or more" if least == 1 else "two requests or more"
            table.problem(key, f"{label} needs {what} in `{key}`")
    ids = tuple(NamedId(request_id, table.line(key), table.name(key))
                for key in keys for request_id in lists[key] or ())
    if len(table.log) > before or minutes is None:
        return RuleEntry(label, None, ids)
    rule = TourRule(kind, number, first=tuple(lists.get("first") or ()),
                    then=tuple(lists.get("then") or ()), requests=tuple(lists.get("requests") or ()),
                    minutes=minutes)
    return RuleEntry(label, rule, ids)


def _ids(table: TomlTable, key: str, label: str) -> list[str] | None:
    """A list of request ids in quotes; ``None`` (with its problem recorded) otherwise."""
    value = table.data.get(key)
    if value is None:
        table.problem(key, f"{label} needs `{key}`, a list of request ids like [\"tve\", \"ser\"]")
        return None
    if not isinstance(value, list) or not all(isinstance(item, str) and item.strip()
                                              for item in value):
        table.problem(key, f"`{table.name(key)}` must be a list of request ids in quotes, "
                      f"like [\"tve\", \"ser\"], not {value!r}")
        return None
    return [item.strip() for item in value]


def check_rule_ids(entries: Iterable[RuleEntry], request_ids: Collection[str], file: str,
                   log: IssueLog) -> None:
    """Record every id a rule names that is not a request of requests.csv, with a suggestion.

    Parameters
    ----------
    entries
        The rules as :func:`read_rules` read them.
    request_ids
        The ids of requests.csv.
    file
        The name tour.toml is reported under.
    log
        Where problems go.
    """
    suggester = Suggester(request_ids)
    for entry in entries:
        for named in entry.ids:
            if named.request_id not in request_ids:
                log.add(file, named.line, named.field,
                        f"{entry.label} names `{named.request_id}`, which is not a request"
                        f"{suggester.hint(named.request_id)}; rules name ids of requests.csv")
