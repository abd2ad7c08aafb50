"""The HTTP API of a real running dashboard (loopback): tokens, reads, errors, imports, OpenAPI, inbox.

One server for the module, on a copy of the analysed demo store with three tokens made before it
started (``baca``, ``tulis``, and a revoked one) and an issue renamed to a spreadsheet formula.
"""
from __future__ import annotations

import json
import shutil
import stat
import time

import pytest
from server_process import NOW, harvest_csv, run_cli, start_server

from monitoring.issues import store as issue_store
from monitoring.server import api, tokens
from monitoring.server.runtime import Server
from monitoring.store import database as storage

FORMULA = '=HYPERLINK("http://evil","klik")'


@pytest.fixture(scope="module")
def server(demo_db_path, tmp_path_factory):
    db = tmp_path_factory.mktemp("api") / "api.duckdb"
    shutil.copy(demo_db_path, db)
    con = storage.connect(db)
    made = {"baca": tokens.create_token(con, "dasbor kantor", "baca")[1],
            "tulis": tokens.create_token(con, "scraper harian", "tulis")[1]}
    revoked_id, made["dicabut"] = tokens.create_token(con, "token lama", "tulis")
    tokens.revoke_token(con, revoked_id)
    issue_store.add_edit(con, "rename", "I0001", label=FORMULA)
    con.close()
    running = start_server(db, env={"PANTAUISU_MAX_UPLOAD_MB": "1"})
    running.tokens = made
    yield running
    running.stop()


def dataset_names(server) -> list[str]:
    return [d["file_name"] for d in server.get("/datasets").json["data"]]


def test_health_needs_no_token_and_answers_as_the_server_in_the_credential_file(server):
    answer = server.get("/health", token=None)
    assert answer.status == 200 and answer.json == {"status": "ok", "server_id": server.creds.server_id}
    path = server.db_path.with_name(server.db_path.name + ".server.json")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert server.creds.url == server.url and server.creds.pid == server.proc.pid


@pytest.mark.parametrize("token", [None, "pis_salah", "dicabut"], ids=["none", "wrong", "revoked"])
@pytest.mark.parametrize("method,path", [("GET", "/issues"), ("POST", "/imports"), ("GET", "/openapi.json"),
                                         ("GET", "/jobs"), ("GET", "/rahasia")])
def test_missing_wrong_or_revoked_token_gets_401_json_and_nothing_else(server, token, method, path):
    body, kind = (harvest_csv(5, "x"), "multipart/form-data; boundary=x") if method == "POST" else (None, None)
    answer = server.call(method, path, token=server.tokens.get(token, token), body=body, content_type=kind)
    assert answer.status == 401
    assert answer.json == {"error": api.UNAUTHORIZED}
    assert answer.headers["WWW-Authenticate"] == "Bearer"


def test_a_read_token_reads_and_may_not_write(server):
    read = server.tokens["baca"]
    assert server.get("/issues", token=read).status == 200
    before = dataset_names(server)
    refused = server.upload([("baca.csv", harvest_csv(5, "baca"))], token=read)
    assert refused.status == 403 and refused.json == {"error": api.FORBIDDEN}
    assert server.post_json("/analyses", {}, token=read).status == 403
    assert dataset_names(server) == before
    assert server.get("/issues", token=server.tokens["tulis"]).status == 200


def test_issues_as_json_and_as_a_csv_whose_formula_cells_are_neutralised(server):
    answer = server.get("/issues", token=server.tokens["baca"])
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    issues = answer.json
    assert issues["count"] == len(issues["data"]) > 3
    assert FORMULA in {row["label"] for row in issues["data"]}  # JSON carries the text as written
    csv = server.get("/issues", params={"format": "csv"}).body
    assert csv.startswith(b"\xef\xbb\xbf\"issue_id\",\"headline\",\"label\"")
    text = csv.decode("utf-8-sig")
    assert "\"'=HYPERLINK(\"\"http://evil\"\",\"\"klik\"\")\"" in text
    assert f",\"{FORMULA.replace(chr(34), chr(34) * 2)}\"" not in text


def test_narratives_are_listed_per_issue_and_follow_the_filters(server):
    issues = {row["issue_id"] for row in server.get("/issues").json["data"]}
    narratives = server.get("/narratives").json["data"]
    assert narratives and {row["issue_id"] for row in narratives} <= issues
    assert all(row["narrative_id"].startswith(row["issue_id"] + "-N") for row in narratives)
    assert list(narratives[0])[:7] == ["issue_id", "narrative_id", "label", "posts", "negative_share", "first_seen",
                                       "last_seen"]
    one = narratives[0]["issue_id"]
    only = server.get("/narratives", params={"issue": one}).json["data"]
    assert only and {row["issue_id"] for row in only} == {one}
    csv = server.get("/narratives", params={"format": "csv"})
    assert csv.headers["Content-Type"].startswith("text/csv") and b"\"narrative_id\"" in csv.body.splitlines()[0]


def test_emerging_and_plan_follow_the_filters(server):
    everything = server.get("/emerging").json["data"]
    bali = server.get("/emerging", params={"province": "51"}).json["data"]
    assert {row["province_code"] for row in everything} > {"51", "ID"}
    assert {row["province_code"] for row in bali} <= {"51", "ID"} and bali
    plan = server.get("/plan", params={"format": "csv"})
    assert plan.headers["Content-Type"].startswith("text/csv")
    assert b"\"province_code\"" in plan.body.splitlines()[0]
    since = server.get("/issues", params={"since": "2026-11-20"}).json["data"]
    assert sum(r["posts"] for r in since) < sum(r["posts"] for r in server.get("/issues").json["data"])


@pytest.mark.parametrize("method,path,params,status,words", [
    ("GET", "/issues", {"since": "kemarin"}, 400, "tidak dikenali"),
    ("GET", "/issues", {"warna": "biru"}, 400, "Parameter 'warna' tidak dikenal"),
    ("GET", "/issues", {"platform": "myspace"}, 400, "Pilih: x, instagram"),
    ("GET", "/issues", {"format": "xml"}, 400, "Pilih: json, csv"),
    ("GET", "/briefing", {"format": "docx"}, 400, "Pilih: html, xlsx, png, pdf"),
    ("GET", "/briefing", {"date": "2020-01-01"}, 400, "Tidak ada unggahan dalam 24 jam"),
    ("GET", "/jobs/tidakada", {}, 404, "tidak ditemukan"),
    ("GET", "/rahasia", {}, 404, "Alamat API tidak dikenal"),
    ("POST", "/issues", {}, 405, "Gunakan GET, HEAD"),
    ("POST", "/imports", {}, 400, "Tidak ada berkas"),
])
def test_bad_input_gets_one_indonesian_line_as_json_with_a_4xx(server, method, path, params, status, words):
    body, kind = (b"--x--\r\n", "multipart/form-data; boundary=x") if path == "/imports" else (None, None)
    answer = server.call(method, path, params=params, body=body, content_type=kind)
    assert answer.status == status
    assert list(answer.json) == ["error"] and words in answer.json["error"] and "\n" not in answer.json["error"]


def test_analysis_body_must_be_a_json_object(server):
    answer = server.call("POST", "/analyses", body=b"bukan json", content_type="application/json")
    assert answer.status == 400 and "bukan JSON" in answer.json["error"]
    answer = server.post_json("/analyses", {"refit": "mungkin"})
    assert answer.status == 400 and "harus true atau false" in answer.json["error"]


def test_an_upload_above_max_upload_mb_is_refused_before_it_is_read(server):
    before = dataset_names(server)
    answer = server.upload([("besar.csv", harvest_csv(16_000, "besar"))])  # ~1.7 MB; the server allows 1 MB
    assert answer.status == 413
    assert "melebihi batas 1 MB" in answer.json["error"] and "max_upload_mb" in answer.json["error"]
    assert answer.json["max_upload_mb"] == 1
    assert dataset_names(server) == before


def test_the_cli_refuses_a_too_big_file_in_the_same_words_as_without_a_server(server, tmp_path):
    big = tmp_path / "besar.csv"
    big.write_bytes(harvest_csv(16_000, "besar"))
    through = run_cli("ingest", str(big), db=server.db_path)
    alone = run_cli("ingest", str(big), db=tmp_path / "sendiri.duckdb", env={"PANTAUISU_MAX_UPLOAD_MB": "1"})
    assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr)
    assert through.returncode == 1 and "melebihi batas 1 MB" in through.stderr
    assert "besar.csv" not in dataset_names(server)


def test_imports_answer_ingest_json_per_file_and_refuse_a_bad_file_alone(server):
    answer = server.upload([("api-baik.csv", harvest_csv(300, "api")), ("kosong.csv", b"")],
                           fields={"now": NOW, "dataset": "Unggahan API"}, token=server.tokens["tulis"],
                           params={"wait": 60})
    assert answer.status == 200, answer.body
    job = answer.json
    assert job["status"] == "done" and job["kind"] == "import" and job["source"] == "api"
    good, empty = job["result"]["files"]
    assert list(good) == ["file", "dataset_id", "platform", "rows_read", "rows_imported", "rows_rejected",
                          "duplicates", "already_imported", "warnings"]
    assert (good["file"], good["rows_imported"], good["platform"]) == ("api-baik.csv", 300, "x")
    assert list(empty) == ["file", "error"] and "kosong" in empty["error"].lower()
    assert dataset_names(server).count("api-baik.csv") == 1 and "kosong.csv" not in dataset_names(server)
    again = server.upload([("api-baik.csv", harvest_csv(300, "api"))], fields={"now": NOW}, params={"wait": 60}).json
    assert again["result"]["files"][0]["already_imported"] is True
    assert server.get(f"/jobs/{job['id']}").json["result"] == job["result"]


def test_the_briefing_comes_as_a_file_in_the_asked_format(server):
    html = server.get("/briefing", params={"now": NOW}, token=server.tokens["baca"])
    assert html.status == 200 and html.headers["Content-Type"].startswith("text/html")
    assert html.headers["Content-Disposition"].startswith("attachment;")
    assert b"<html" in html.body[:500].lower() and FORMULA.encode() not in html.body
    xlsx = server.get("/briefing", params={"now": NOW, "format": "xlsx", "region": "51"})
    assert xlsx.status == 200 and xlsx.body[:2] == b"PK"


def test_the_openapi_document_lists_every_route_and_every_route_needs_a_token_but_health(server):
    document = json.loads(server.get("/openapi.json", token=server.tokens["baca"]).body)
    assert document["openapi"].startswith("3.1") and document["components"]["securitySchemes"]["bearer"]
    mounted = {(m, r.path) for r in api.routes(Server())[:-2] for m in r.methods if m != "HEAD"}
    documented = {(m.upper(), path) for path, ops in document["paths"].items() for m in ops}
    assert documented == mounted and len(mounted) == len(api.ENDPOINTS)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation["responses"] and operation["summary"]
            live = path.replace("/api/v1", "").replace("{job_id}", "x").replace("{name}", "y")
            answer = server.call(method.upper(), live, token=None)
            assert answer.status == (200 if path.endswith("/health") else 401), (method, path)
            assert ("401" in operation["responses"]) == (not path.endswith("/health"))


def _drop(folder, name: str, data: bytes) -> None:
    """Write under a temporary name, then rename: how scrapers should deliver."""
    temporary = folder / f".{name}.part"
    temporary.write_bytes(data)
    temporary.rename(folder / name)


def _wait_for(condition, timeout: float = 90) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_an_inbox_file_is_imported_analysed_and_moved_to_selesai(server):
    inbox = server.db_path.parent / "inbox"
    _drop(inbox, "kotak-baik.csv", harvest_csv(250, "kotak", text="harga cabai naik di pasar"))
    assert _wait_for(lambda: (inbox / "selesai" / "kotak-baik.csv").exists()), server.log()
    assert not (inbox / "kotak-baik.csv").exists()
    assert dataset_names(server).count("kotak-baik.csv") == 1
    job = next(j for j in server.get("/jobs").json["data"] if j["kind"] == "inbox")
    done = server.get(f"/jobs/{job['id']}").json
    assert done["status"] == "done" and done["source"] == "inbox"
    assert done["result"]["files"][0]["rows_imported"] == 250
    assert done["result"]["analysis"]["enriched"] >= 250


def test_a_refused_inbox_file_moves_to_gagal_with_the_reason_in_indonesian(server):
    inbox = server.db_path.parent / "inbox"
    _drop(inbox, "rusak.xlsx", b"ini bukan berkas excel sama sekali" * 20)
    assert _wait_for(lambda: (inbox / "gagal" / "rusak.xlsx.txt").exists()), server.log()
    assert (inbox / "gagal" / "rusak.xlsx").exists() and not (inbox / "rusak.xlsx").exists()
    reason = (inbox / "gagal" / "rusak.xlsx.txt").read_text(encoding="utf-8")
    assert reason.startswith("Berkas rusak.xlsx tidak diimpor") and "Alasan:" in reason
    assert "rusak.xlsx" not in dataset_names(server)


def test_a_file_still_being_written_is_not_taken_until_it_stops_growing(server):
    inbox = server.db_path.parent / "inbox"
    data = harvest_csv(1_200, "tumbuh")
    step = len(data) // 12
    with (inbox / "tumbuh.csv").open("wb") as out:
        for start in range(0, len(data), step):  # ~2.4 s of writing; the inbox is polled every 0.3 s
            out.write(data[start:start + step])
            out.flush()
            time.sleep(0.2)
            assert (inbox / "tumbuh.csv").exists() and not (inbox / "selesai" / "tumbuh.csv").exists()
    assert _wait_for(lambda: (inbox / "selesai" / "tumbuh.csv").exists()), server.log()
    imported = [d for d in server.get("/datasets").json["data"] if d["file_name"] == "tumbuh.csv"]
    assert [d["rows_imported"] for d in imported] == [1_200]

