"""RSS after each step of the issue stage's full fit on a stored store (a copy)."""
import os, sys, time, threading, shutil, json
sys.path.insert(0, os.getcwd())
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"): return int(line.split()[1]) // 1024
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"): return int(line.split()[1]) // 1024
peak = [0]
def sampler():
    while True:
        peak[0] = max(peak[0], rss()); time.sleep(0.02)
threading.Thread(target=sampler, daemon=True).start()
marks = []
def mark(name):
    marks.append((name, rss(), peak[0], hwm())); peak[0] = rss()
    print(f"{name:40s} rss {marks[-1][1]:6d}  peak-since-last {marks[-1][2]:6d}  hwm {marks[-1][3]:6d}", flush=True)

from monitoring.store import database as storage
from monitoring.issues import store as istore, detection
import monitoring.issues.detection as D
src = sys.argv[1]; db = "/tmp/dask-bench/memsteps.duckdb"
shutil.copy(src, db)
con = storage.connect(db)
mark("connected")
# instrument detection steps
orig_dedup = D.add_duplicate_groups
def dedup(*a, **k):
    mark("before dedup"); r = orig_dedup(*a, **k); mark("after dedup"); return r
D.add_duplicate_groups = dedup
from monitoring.issues import model as M
orig_fit = M.IssueModel.fit
def fit(self, *a, **k):
    mark("before fit"); r = orig_fit(self, *a, **k); mark("after fit"); return r
M.IssueModel.fit = fit
orig_pred = M.IssueModel.predict
def pred(self, *a, **k):
    mark("before predict"); r = orig_pred(self, *a, **k); mark("after predict"); return r
M.IssueModel.predict = pred
orig_q = storage.query_df_with_codes
def q(*a, **k):
    mark("before load"); r = orig_q(*a, **k); mark("after load"); return r
istore.storage.query_df_with_codes = q
orig_ins = istore._insert_post_issues
def ins(*a, **k):
    mark("before insert"); r = orig_ins(*a, **k); mark("after insert"); return r
istore._insert_post_issues = ins
t = time.time()
istore.fit_issues(con)
mark("fit_issues done")
from monitoring.pipeline import _release_memory
_release_memory(); mark("released")
time.sleep(3); mark("3 s later")
print(con.execute("SELECT tag, round(memory_usage_bytes/2^20) FROM duckdb_memory() WHERE memory_usage_bytes > 0").fetchall())
from monitoring.store.facts import refresh_facts
with storage.transaction(con):
    refresh_facts(con)
mark("facts done")
print("seconds", round(time.time() - t, 1))
