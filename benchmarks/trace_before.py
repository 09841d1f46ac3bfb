"""``Tracer.trace`` as at an earlier revision, for ``benchmarks/trace.py --before REV``.

    python benchmarks/trace_before.py ROOT DB.gpkg OUT.json

``ROOT`` holds ``pollution_map_plugin`` at that revision (``git archive``).  Every section
of ``DB.gpkg`` is traced (UT) after one warm-up trace each; OUT.json gets the times and,
per section, a digest of the three GeoDataFrames (columns, dtypes, values, geometries),
which the new code must match.
"""

from __future__ import annotations

import gc
import hashlib
import json
import sys
import time

LAYERS = ("reaches", "sections", "outfalls", "enterprises", "sewage_plants",
          "livestock_farms", "control_units")


def digest(result) -> str:
    """A hash of a trace result's three GeoDataFrames, as the CLI and Processing see them."""
    import pandas as pd

    h = hashlib.sha1()
    for gdf in (result.reaches_gdf, result.sources_gdf, result.control_units_gdf):
        h.update(repr([(c, str(t)) for c, t in gdf.dtypes.items()]).encode())
        h.update(str(gdf.crs).encode())
        plain = pd.DataFrame(gdf.drop(columns="geometry"))
        h.update(pd.util.hash_pandas_object(plain, index=True).to_numpy().tobytes())
        for g in gdf.geometry:
            h.update(b"-" if g is None else g.wkb)
    return h.hexdigest()


def run_before(rev: str, path: str) -> dict:
    """Times and digests of ``Tracer.trace`` at git revision ``rev`` (a child process)."""
    import subprocess
    import tempfile
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    with tempfile.TemporaryDirectory() as tmp:
        archive = subprocess.run(["git", "-C", str(repo), "archive", rev, "pollution_map_plugin"],
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
        out = Path(tmp) / "before.json"
        subprocess.run([sys.executable, str(Path(__file__).with_name("trace_before.py")), tmp,
                        path, str(out)], check=True)
        return json.loads(out.read_text(encoding="utf-8"))


def main(root: str, path: str, out: str) -> int:
    sys.path.insert(0, root)
    from pollution_map_plugin.core.db import open_database
    from pollution_map_plugin.core.network import Tracer

    with open_database(path) as db:
        tracer = Tracer({n: db.read_layer(n) for n in LAYERS})
    codes = []
    for c in tracer.section_codes():
        try:
            tracer.trace(c)
            codes.append(c)
        except ValueError:
            pass
    gc.collect()
    gc.disable()
    times, sizes, digests = {}, {}, {}
    for c in codes:
        t0 = time.perf_counter()
        res = tracer.trace(c)
        times[c] = time.perf_counter() - t0
        sizes[c] = len(res.reaches)
        digests[c] = digest(res)
        del res
        if len(times) % 20 == 0:
            gc.collect()
    outlet = max(sizes, key=sizes.get)
    again = []
    for _ in range(10):
        t0 = time.perf_counter()
        tracer.trace(outlet)
        again.append(time.perf_counter() - t0)
    with open(out, "w", encoding="utf-8") as f:
        json.dump({"times": times, "digests": digests, "outlet": outlet,
                   "outlet_times": again}, f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:4]))
