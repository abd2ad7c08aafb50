"""What the jobs do: imports, analyses, the demo dataset, deletes, re-processing.

Each function takes the store's connection and the running :class:`~monitoring.server.jobs.Job`
(for progress) and returns a JSON-ready result; they run in the queue's worker thread, whichever
door the work came in by (API, Data page, inbox, CLI). The analysis pipeline (scikit-learn, SciPy)
is imported by the jobs that run it, not when the server starts (~1 s less to a healthy server).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from monitoring.errors import UserError
from monitoring.executors import TreeWatch
from monitoring.ingest import imports
from monitoring.server.jobs import Job
from monitoring.store import database as storage
from monitoring.store import settings


@dataclass(frozen=True)
class ImportOptions:
    """The options of ``ingest`` (and of ``POST /api/v1/imports``)."""

    platform: str | None = None
    dataset_name: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    region: str | None = None
    now: pd.Timestamp | None = None


@dataclass(frozen=True)
class OutputRequest:
    """Which posts ``analyze --out`` writes, and the end of the emerging window."""

    since: pd.Timestamp | None = None
    until: pd.Timestamp | None = None
    now: pd.Timestamp | None = None


def upload_limits(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """``max_bytes`` and ``max_xlsx_unpacked_bytes`` from the settings."""
    values = settings.load_settings(storage.stored_settings(con))
    return {"max_bytes": values["max_upload_mb"] * 2**20,
            "max_xlsx_unpacked_bytes": values["max_xlsx_unpacked_mb"] * 2**20}


def import_one(con: duckdb.DuckDBPyConnection, name: str, data: bytes, options: ImportOptions,
               now: pd.Timestamp) -> dict[str, Any]:
    """Import one file: its ``ingest`` JSON, or ``{"file": name, "error": message}`` when refused."""
    try:
        summary = imports.import_file(
            con, data, name, now=now, platform=options.platform, dataset_name=options.dataset_name,
            encoding=options.encoding, delimiter=options.delimiter, default_region=options.region,
            **upload_limits(con))
    except UserError as err:
        return {"file": name, "error": str(err).replace("\n", " ")}
    return asdict(summary)


def import_files(con: duckdb.DuckDBPyConnection, files: list[tuple[str, bytes]], options: ImportOptions,
                 job: Job, *, analyse: bool = False) -> dict[str, Any]:
    """Import each file in turn (a refused one does not stop the others), then optionally analyse."""
    now = options.now if options.now is not None else pd.Timestamp.now(tz="UTC")
    results = []
    for number, (name, data) in enumerate(files, start=1):
        job.report((number - 1) / len(files) * (0.3 if analyse else 1.0),
                   f"Mengimpor {name} ({number}/{len(files)})…")
        results.append(import_one(con, name, data, options, now))
    outcome: dict[str, Any] = {"files": results}
    if analyse and any("error" not in r for r in results):
        outcome["analysis"] = analysis_after_import(con, job, start=0.3)
    job.report(1.0, _imports_message(results))
    return outcome


def _imports_message(results: list[dict[str, Any]]) -> str:
    refused = sum("error" in r for r in results)
    imported = sum(int(r.get("rows_imported") or 0) for r in results)
    return f"Impor selesai: {imported:,} unggahan baru, {refused} berkas ditolak.".replace(",", ".")


def analysis(con: duckdb.DuckDBPyConnection, job: Job, *, refit: bool = False, n_issues: int | None = None,
             outputs: OutputRequest | None = None, start: float = 0.0) -> dict[str, Any]:
    """Run :func:`monitoring.pipeline.analyze`; with ``outputs``, also write ``analyze --out``'s
    files into the job's output folder (fetched over ``GET /api/v1/jobs/{id}/files/{name}``)."""
    from monitoring import pipeline
    from monitoring.report.outputs import write_analysis, write_run_file

    share = 1.0 - start
    with TreeWatch() as memory:
        report = pipeline.analyze(con, refit=refit, n_issues=n_issues,
                                  progress=lambda f, m: job.report(start + share * f, m))
    result = {"message": report.message(), **asdict(report)}
    if outputs is not None and job.output_dir is not None:
        job.report(0.99, "Menulis berkas hasil analisis…")
        written = write_analysis(con, Path(job.output_dir), since=outputs.since, until=outputs.until, now=outputs.now)
        written.append(write_run_file(Path(job.output_dir), report.run_record(memory.summary())))
        result["files"] = [path.name for path in written]  # in analyze --out's order
    job.report(1.0, report.message())
    return result


def analysis_after_import(con: duckdb.DuckDBPyConnection, job: Job, *, start: float) -> dict[str, Any]:
    """:func:`analysis` after files were stored: when the store cannot be analysed yet (e.g. too few
    posts) the imports still stand, and the reason is ``{"error": …}`` in the result."""
    try:
        return analysis(con, job, start=start)
    except UserError as err:
        return {"error": str(err).replace("\n", " ")}


def demo(con: duckdb.DuckDBPyConnection, job: Job, *, n_posts: int = 6000, seed: int = 7) -> dict[str, Any]:
    """Generate, import and analyse the demo dataset; its import summary."""
    from monitoring import pipeline

    summary = pipeline.load_demo(con, n_posts=n_posts, seed=seed, progress=job.report)
    job.report(1.0, f"Data contoh dimuat: {summary.rows_imported:,} unggahan.".replace(",", "."))
    return asdict(summary)


def import_prepared_and_analyse(con: duckdb.DuckDBPyConnection, prepared: imports.PreparedFile, job: Job, *,
                                mapping: dict[str, str], platform: str, region: str | None) -> dict[str, Any]:
    """The Data page's upload: store the prepared file with the analyst's mapping, then analyse."""
    job.report(0.0, f"Mengimpor {prepared.file_name}…")
    summary = imports.import_prepared(con, prepared, mapping=mapping, platform=platform, default_region=region,
                                      now=pd.Timestamp.now(tz="UTC"))
    result: dict[str, Any] = {"import": asdict(summary)}
    if not summary.already_imported:
        result["analysis"] = analysis_after_import(con, job, start=0.1)
    return result


def delete_dataset(con: duckdb.DuckDBPyConnection, job: Job, dataset_id: int) -> int:
    """Delete a dataset and its posts; how many posts went."""
    job.report(0.1, f"Menghapus dataset #{dataset_id}…")
    return imports.delete_dataset(con, dataset_id)


def reprocess(con: duckdb.DuckDBPyConnection, job: Job) -> dict[str, Any]:
    """Forget every post's enrichment and analyse again (after the analyst's dictionaries changed)."""
    job.report(0.0, "Menghapus hasil pemrosesan lama…")
    from monitoring import pipeline

    pipeline.reset_enrichment(con)
    return analysis(con, job, start=0.05)
