"""Write endpoints and jobs: imports, analyses, the demo dataset; job status and output files.

A write never runs in the request: it becomes a job on the store's queue (one writer thread) and
the answer is the job, ``202 Accepted`` while it waits or runs. ``?wait=N`` (up to 60 s) holds the
answer until the job is finished or N seconds have passed; ``GET /jobs/{id}`` does the same.
Waiting is ``asyncio.sleep`` on the event loop: a waiting client holds no thread.
"""
from __future__ import annotations

import asyncio
import json
import shutil
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from monitoring import schema as S
from monitoring.clock import parse_now
from monitoring.server import work
from monitoring.server.http import (
    SAFE_HEADERS,
    ApiError,
    Param,
    json_response,
    parse_fields,
    query_values,
)
from monitoring.server.jobs import Job

if TYPE_CHECKING:
    from monitoring.server.http import Endpoint
    from monitoring.server.runtime import Server

MAX_FILES = 100
MAX_WAIT = 60
FORM_OVERHEAD = 64 * 2**10  # multipart headers and option fields on top of the files themselves
WAIT = Param("wait", "seconds to hold the answer until the job is finished (0-60, default 0)", "integer", default=0)
IMPORT_FIELDS = (
    Param("file", "one or more files (CSV/TSV/XLSX/JSON/JSONL/Parquet)", location="body"),
    Param("platform", "platform of every file (default: detected)", choices=S.PLATFORMS, location="body"),
    Param("dataset", "dataset name (default: the file name)", location="body"),
    Param("encoding", "force a text encoding, e.g. cp1252", location="body"),
    Param("delimiter", "force a CSV delimiter, e.g. ;", location="body"),
    Param("region", "default region for posts without location, Kemendagri code e.g. 64.74", location="body"),
    Param("now", "reference time for relative dates like '3 hari yang lalu' (ISO; default: now)", location="body"),
    Param("analyze", "analyse the store after importing (default false)", "boolean", location="body", default=False),
)
ANALYSIS_FIELDS = (
    Param("refit", "re-cluster all posts from scratch", "boolean", location="body", default=False),
    Param("issues", "number of issues (default: automatic)", "integer", location="body"),
    Param("outputs", "also write analyze --out's files (GET /jobs/{id}/files/{name})", "boolean",
          location="body", default=False),
    Param("since", "outputs: only posts at or after this date (ISO)", location="body"),
    Param("until", "outputs: only posts before this date (ISO)", location="body"),
    Param("now", "outputs: end of the emerging window (default: the latest post)", location="body"),
)
DEMO_FIELDS = (Param("posts", "number of demo posts (default 6000)", "integer", location="body", default=6000),
               Param("seed", "random seed (default 7)", "integer", location="body", default=7))


def request_source(request: Request) -> str:
    return "cli" if request.headers.get("x-pantauisu-client") == "cli" else "api"


async def job_answer(job: Job, wait: int, server: "Server") -> Response:
    """The job as JSON: 200 when finished (within ``wait`` s), else 202 with its address."""
    deadline = time.monotonic() + max(0, min(int(wait or 0), MAX_WAIT))
    while not job.done and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    body = {**job.to_dict(), "position": server.store.jobs.position(job)}
    return json_response(body, status=200 if job.done else 202,
                         headers={"Location": f"/api/v1/jobs/{job.id}"})


def _file_name(raw: str | None) -> str:
    """The base name of an uploaded file (a client may send a path); never empty."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1].strip().replace("\x00", "")
    return name[:200] or "berkas"


async def _upload_limit(server: "Server") -> int:
    values = await run_in_threadpool(lambda: server.context.settings())
    return int(values["max_upload_mb"]) * 2**20


async def _drain(request: Request, length: int, limit: int) -> None:
    """Read and drop a refused upload of up to twice the limit: a client that sends the whole body
    before it reads the answer (Python's urllib, most scripts) then gets the 413 instead of a broken
    pipe. Anything larger is answered at once."""
    if length <= 2 * limit + FORM_OVERHEAD:
        async for _ in request.stream():
            pass


async def imports(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``POST /imports``: queue an import of the uploaded files with ``ingest``'s options."""
    wait = query_values(request, endpoint)["wait"]
    limit, length = await _upload_limit(server), request.headers.get("content-length")
    if length is None or not length.isdigit():
        raise ApiError(411, "Header Content-Length wajib untuk unggahan. Kirim berkas sebagai multipart/form-data "
                            "biasa (curl -F file=@berkas.csv).")
    if int(length) > limit + FORM_OVERHEAD:
        await _drain(request, int(length), limit)
        raise ApiError(413, f"Unggahan berukuran {int(length) / 2**20:.1f} MB, melebihi batas {limit / 2**20:.0f} MB "
                            "per permintaan. Kirim berkas satu per satu, pecah berkas besar, atau naikkan batas "
                            "max_upload_mb di Pengaturan.", max_upload_mb=limit // 2**20)
    async with request.form(max_files=MAX_FILES, max_fields=20) as form:
        uploads = [f for f in form.getlist("file") if not isinstance(f, str)]
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        values = parse_fields(IMPORT_FIELDS, {k: v for k, v in fields.items() if k != "file"}, "Kolom")
        files = [(_file_name(f.filename), await f.read()) for f in uploads]
    if not files:
        raise ApiError(400, "Tidak ada berkas. Kirim satu atau lebih berkas di kolom 'file' (multipart/form-data), "
                            "mis. curl -F file=@tweets.csv.")
    options = work.ImportOptions(platform=values["platform"], dataset_name=values["dataset"],
                                 encoding=values["encoding"], delimiter=values["delimiter"], region=values["region"],
                                 now=parse_now(values["now"]))
    label = f"Impor {files[0][0]}" + (f" dan {len(files) - 1} berkas lain" if len(files) > 1 else "")
    con, analyse = server.store.con, bool(values["analyze"])
    job = server.store.jobs.submit(
        "import", label, lambda j: work.import_files(con, files, options, j, analyse=analyse), source=request_source(request))
    return await job_answer(job, wait, server)


async def json_body(request: Request, fields: tuple[Param, ...]) -> dict[str, Any]:
    raw = await request.body()
    try:
        payload = json.loads(raw) if raw.strip() else {}
    except ValueError:
        raise ApiError(400, "Isi permintaan bukan JSON yang valid. Kirim objek JSON, "
                            "mis. {\"refit\": false}.") from None
    if not isinstance(payload, dict):
        raise ApiError(400, "Isi permintaan harus objek JSON, mis. {\"refit\": false}.")
    as_text = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in payload.items() if v is not None}
    return parse_fields(fields, as_text, "Kolom")


async def analyses(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``POST /analyses``: queue an analysis (``analyze``); ``outputs`` also writes its files."""
    wait = query_values(request, endpoint)["wait"]
    values = await json_body(request, ANALYSIS_FIELDS)
    request_outputs = work.OutputRequest(since=parse_now(values["since"]), until=parse_now(values["until"]),
                                         now=parse_now(values["now"])) if values["outputs"] else None
    folder = Path(tempfile.mkdtemp(prefix="pantauisu-job-")) if request_outputs else None
    con, refit, n_issues = server.store.con, bool(values["refit"]), values["issues"]
    try:
        job = server.store.jobs.submit(
            "analysis", "Analisis" + (" (kelompokkan ulang)" if refit else ""),
            lambda j: work.analysis(con, j, refit=refit, n_issues=n_issues, outputs=request_outputs),
            source=request_source(request), output_dir=folder)
    except BaseException:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    return await job_answer(job, wait, server)


async def demo(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``POST /demo``: queue generating, importing and analysing the demo dataset."""
    wait = query_values(request, endpoint)["wait"]
    values = await json_body(request, DEMO_FIELDS)
    if not 100 <= values["posts"] <= 1_000_000:
        raise ApiError(400, "Jumlah unggahan contoh harus antara 100 dan 1.000.000.")
    con = server.store.con
    job = server.store.jobs.submit("demo", "Memuat data contoh",
                                   lambda j: work.demo(con, j, n_posts=values["posts"], seed=values["seed"]),
                                   source=request_source(request))
    return await job_answer(job, wait, server)


def _job(server: "Server", job_id: str) -> Job:
    job = server.store.jobs.get(job_id)
    if job is None:
        raise ApiError(404, f"Tugas {job_id} tidak ditemukan (server hanya mengingat tugas terakhir sejak ia "
                            "dijalankan).")
    return job


async def job_status(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /jobs/{job_id}``: a job's status, progress, result or error."""
    wait = query_values(request, endpoint)["wait"]
    return await job_answer(_job(server, request.path_params["job_id"]), wait, server)


async def job_list(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /jobs``: the latest jobs, newest first (without their results)."""
    query_values(request, endpoint)
    jobs = [{k: v for k, v in j.to_dict().items() if k != "result"} for j in server.store.jobs.jobs()[::-1][:50]]
    return json_response({"count": len(jobs), "data": jobs})


async def job_file(request: Request, server: "Server", endpoint: "Endpoint") -> Response:
    """``GET /jobs/{job_id}/files/{name}``: a file a job wrote (``analyze --out``'s outputs)."""
    query_values(request, endpoint)
    job, name = _job(server, request.path_params["job_id"]), request.path_params["name"]
    if name not in job.output_files():
        raise ApiError(404, f"Berkas {name} tidak ada pada tugas {job.id}.")
    return FileResponse(job.output_dir / name, filename=name, headers=SAFE_HEADERS)
