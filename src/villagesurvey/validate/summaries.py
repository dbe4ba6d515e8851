"""What a validation says of itself: summary.json's content and the console summary."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._atomic import atomic_path
from .._version import package_version
from ..tables.safe import shown_name
from .output_names import outputs_summary, written_outputs

if TYPE_CHECKING:
    from .result import Validation

__all__ = ["summary", "summary_lines", "write_summary"]


def write_summary(
    path: Path, validation: Validation, table_format: str, partition_by: str | None
) -> None:
    """Write summary.json: :func:`summary` and the tables written (``outputs``)."""
    described = summary(validation)
    described["outputs"] = outputs_summary(validation, table_format, partition_by)
    with atomic_path(path) as temporary:
        temporary.write_text(
            json.dumps(described, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )


def summary(validation: Validation) -> dict[str, Any]:
    """The content of summary.json: files read and refused, row counts, findings by check."""
    instrument = validation.instrument
    return {
        "instrument": {
            "id": instrument.id,
            "version": instrument.version,
            "sha256": instrument.content_hash,
        },
        "generator": f"villagesurvey {package_version()}",
        "files": [
            {
                "file": f.name,
                "path": shown_name(str(f.path)),
                "sha256": f.sha256,
                "status": f.status,
                "format": f.format,
                "check": f.check,
                "reason": f.reason,
                "rows_in": f.rows_in,
                "rows_clean": f.rows_clean,
                "rows_quarantined": f.rows_quarantined,
                "rows_not_read": f.rows_not_read,
                "rows_dropped": f.rows_dropped,
            }
            for f in validation.files
        ],
        "files_read": sum(f.status == "read" for f in validation.files),
        "files_refused": len(validation.refused),
        "rows_in": validation.rows_in,
        "rows_clean": validation.rows_clean,
        "rows_quarantined": validation.rows_quarantined,
        "rows_not_read": validation.rows_not_read,
        "rows_dropped": validation.rows_dropped,
        "corrections": _corrections_summary(validation),
        "counts": validation.counts,
        "rosters": {
            code: {
                "within": roster.within,
                "rows_in": level.rows_in,
                "rows_clean": level.rows_clean,
                "rows_quarantined": level.rows_quarantined,
                "rows_not_read": level.rows_not_read,
                "rows_dropped": level.rows_dropped,
                "counts": level.counts,
            }
            for roster in validation.instrument.rosters
            for code, level in validation.rosters.items()
            if roster.code == code
        },
        "monitoring": validation.monitoring,
        "exit_code": validation.exit_code,
    }


def _corrections_summary(validation: Validation) -> dict[str, Any] | None:
    """The corrections file applied (name, sha256) and what its lines did."""
    import pandas as pd

    applied = validation.corrections
    if applied is None:
        return None
    levels = [validation, *validation.rosters.values()]
    actions = pd.concat([v.audit["action"] for v in levels]).value_counts()
    problems = [
        n
        for v in levels
        for k, n in v.counts.get("error", {}).items()
        if k.startswith("correction_")
    ]
    lines = sum(len(v.corrections.source.lines) for v in levels if v.corrections is not None)
    return {
        "file": applied.source.name,
        "sha256": applied.source.sha256,
        "lines": lines,
        "replaced": int(actions.get("replace", 0)),
        "blanked": int(actions.get("blank", 0)),
        "confirmed": int(actions.get("confirm", 0)),
        "dropped": int(actions.get("drop", 0)),
        "not_applied": sum(problems),
    }


def summary_lines(
    validation: Validation, outdir: str | Path, top: int = 5, table_format: str = "csv"
) -> list[str]:
    """The console summary: files, rows in, clean, quarantined, the most frequent problems."""
    read = sum(f.status == "read" for f in validation.files)
    refused = validation.refused
    instrument = validation.instrument
    lines = [
        f"checked {len(validation.files)} file{'s' * (len(validation.files) != 1)} against "
        f"{instrument.id} {instrument.version}: {read} read, {len(refused)} refused"
    ]
    lines += [f"  refused {f.name}: {shown_name(f.reason)} [{f.check}]" for f in refused]
    unread, dropped = validation.rows_not_read, validation.rows_dropped
    lines.append(
        f"rows: {validation.rows_in} in, {validation.rows_clean} clean, "
        f"{validation.rows_quarantined} quarantined"
        + (f", {dropped} dropped" if dropped else "")
        + (f", {unread} not read" if unread else "")
    )
    for severity, checks in validation.counts.items():
        total = sum(checks.values())
        shown = ", ".join(f"{check} {n}" for check, n in list(checks.items())[:top])
        more = f", ... ({len(checks) - top} more)" if len(checks) > top else ""
        name = {"error": "errors", "warning": "warnings"}.get(severity, severity)
        lines.append(f"{name}: {total} ({shown}{more})")
    for code, level in validation.rosters.items():
        errors = level.counts.get("error", {})
        shown = ", ".join(f"{check} {n}" for check, n in list(errors.items())[:top])
        lines.append(
            f"roster {code}: {level.rows_in} in, {level.rows_clean} clean, "
            f"{level.rows_quarantined} quarantined"
            + (f", {level.rows_dropped} dropped" if level.rows_dropped else "")
            + (f", {level.rows_not_read} not read" if level.rows_not_read else "")
            + (f" (errors: {shown})" if shown else "")
        )
    written = getattr(validation, "written", None) or written_outputs(
        validation, table_format
    )  # a streamed validation writes fewer
    lines.append(f"wrote {', '.join(written[:-1])} and {written[-1]} to {outdir}")
    return lines
