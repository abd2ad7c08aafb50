"""The command line: ingest, demo, analyze, errors as one line on stderr with a non-zero exit."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from monitoring.cli.main import main
from monitoring.store import database as storage

ROOT = Path(__file__).resolve().parent.parent

HARVEST = (
    "conversation_id_str,created_at,favorite_count,full_text,id_str,image_url,in_reply_to_screen_name,lang,"
    "location,quote_count,reply_count,retweet_count,tweet_url,user_id_str,username\n"
    "1,Thu Nov 19 06:08:55 +0000 2026,3,Harga beras naik terus gimana nih,1,,,in,\"Bandung, Jawa Barat\",0,1,2,"
    "https://x.com/a/status/1,11,andi\n"
    "2,Thu Nov 19 07:08:55 +0000 2026,0,=1+1 bukan rumus,2,,,in,Surabaya,0,0,0,https://x.com/b/status/2,12,budi\n"
)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "monitoring", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("command", ["demo", "ingest", "analyze", "sentiment", "briefing", "deliver"])
def test_help_for_every_command(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert "usage" in capsys.readouterr().out.lower()


def test_ingest_prints_one_json_line_per_file(tmp_path, capsys):
    csv = tmp_path / "tweets.csv"
    csv.write_text(HARVEST, encoding="utf-8")
    db = tmp_path / "s.duckdb"
    assert main(["ingest", str(csv), "--db", str(db), "--now", "2026-11-20T00:00:00Z"]) == 0
    line = json.loads(capsys.readouterr().out.strip())
    assert {k: line[k] for k in ("file", "rows_read", "rows_imported", "rows_rejected", "duplicates")} == {
        "file": "tweets.csv", "rows_read": 2, "rows_imported": 2, "rows_rejected": 0, "duplicates": 0}
    assert line["platform"] == "x"
    assert main(["ingest", str(csv), "--db", str(db)]) == 0
    again = json.loads(capsys.readouterr().out.strip())
    assert again["rows_imported"] == 0 and again["already_imported"]


def test_bad_file_exits_non_zero_with_one_line_and_keeps_the_store(tmp_path):
    good = tmp_path / "good.csv"
    good.write_text(HARVEST, encoding="utf-8")
    bad = tmp_path / "kosong.csv"
    bad.write_bytes(b"")
    db = tmp_path / "s.duckdb"
    result = run_cli("ingest", str(good), str(bad), "--db", str(db))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "kosong.csv" in result.stderr
    assert json.loads(result.stdout.strip())["rows_imported"] == 2
    con = storage.connect(db)
    assert storage.query_value(con, "SELECT count(*) FROM posts") == 2
    con.close()


@pytest.mark.parametrize("args,message", [
    (["ingest", "tidak-ada.csv"], "tidak ditemukan"),
    (["ingest", "x.csv", "--platform", "myspace"], "tidak dikenal"),
    (["analyze", "--out", "o", "--now", "kemarin sore"], "tidak dikenali"),
])
def test_usage_errors_are_one_line(tmp_path, capsys, args, message):
    assert main([*args, "--db", str(tmp_path / "s.duckdb")]) != 0
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_analyze_writes_outputs(demo_db_path, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["analyze", "--db", str(demo_db_path), "--out", str(out)]) == 0
    assert "Analisis selesai" in capsys.readouterr().err  # what the analysis did, in one line
    posts = pd.read_parquet(out / "posts.parquet")
    for column in ("post_id", "text", "tokens", "sentiment", "province_code", "kabkota_code", "region_source",
                   "region_confidence", "issue_id", "narrative_id"):
        assert column in posts.columns
    assert set(posts["sentiment"].dropna()) <= {"positive", "neutral", "negative"}
    issues = pd.read_csv(out / "issues.csv", encoding="utf-8-sig")
    assert list(issues.columns[:3]) == ["issue_id", "headline", "label"]  # the headline is read first
    assert {"top_terms", "posts", "first_seen", "last_seen", "negative_share", "is_new"} <= set(issues)
    assert issues["posts"].sum() == posts["issue_id"].notna().sum()
    assert issues["headline"].notna().all()
    narratives = pd.read_csv(out / "narratives.csv", encoding="utf-8-sig")
    assert list(narratives.columns[:7]) == ["issue_id", "narrative_id", "label", "posts", "negative_share",
                                            "first_seen", "last_seen"]
    assert len(narratives) and set(narratives["issue_id"]) <= set(issues["issue_id"])
    per_narrative = posts.dropna(subset=["narrative_id"]).groupby("narrative_id").size()
    assert narratives.set_index("narrative_id")["posts"].to_dict() == per_narrative.to_dict()
    assert narratives["negative_share"].between(0, 1).all()
    emerging = pd.read_csv(out / "emerging.csv", encoding="utf-8-sig", dtype={"province_code": str})
    assert {"issue_id", "issue_headline", "issue_label", "province_code", "province", "posts", "baseline", "score",
            "status", "rising_narrative"} <= set(emerging)
    assert "ID" in set(emerging["province_code"])
    assert emerging["negative_shift"].isin([True, False]).all()        # the turn to negative, its own column
    assert "negative_shift" in pd.read_csv(out / "plan.csv", encoding="utf-8-sig", nrows=1).columns


def test_demo_command(tmp_path, capsys):
    assert main(["demo", "--db", str(tmp_path / "d.duckdb"), "--posts", "800", "--seed", "2"]) == 0
    assert json.loads(capsys.readouterr().out.strip())["rows_imported"] == 800
