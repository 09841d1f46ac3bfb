#!/usr/bin/env python3
"""The plugin repository's upload scanners, Bandit and detect-secrets, on the built ZIP.

Builds the ZIP with ``scripts/package.py`` into a temporary folder (or takes ``--zip``),
unpacks it and runs both scanners on exactly what would be uploaded.  Fails on any
finding; a reviewed false positive is marked inline where it is (``# nosec Bxxx`` with
the reason for Bandit, ``# pragma: allowlist secret`` for detect-secrets).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

REPO = Path(__file__).resolve().parents[1]
PACKAGE = "pollution_map_plugin"


def build_zip(dist: Path) -> Path:
    """Run ``scripts/package.py --dist dist``; return the ZIP (its last output line)."""
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "package.py"),
                           "--dist", str(dist)], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"security-scan: packaging failed:\n{done.stdout}{done.stderr}")
    return Path(done.stdout.strip().splitlines()[-1])


def unpack(zip_path: Path, dest: Path) -> Path:
    """Extract ``zip_path`` into ``dest`` (refusing paths that leave it); the plugin folder."""
    with zipfile.ZipFile(zip_path) as zf:
        for name in zf.namelist():
            parts = PurePosixPath(name).parts
            if PurePosixPath(name).is_absolute() or ".." in parts:
                sys.exit(f"security-scan: unsafe path in the ZIP: {name}")
        zf.extractall(dest)
    return dest / PACKAGE


def bandit(root: Path) -> tuple[list[str], int]:
    """Bandit's findings (every severity and confidence) and the count of ``# nosec``."""
    done = subprocess.run([sys.executable, "-m", "bandit", "-r", str(root), "-f", "json", "-q"],
                          capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"security-scan: bandit failed:\n{done.stdout}{done.stderr}")
    findings = [f"{Path(r['filename']).relative_to(root.parent)}:{r['line_number']}: "
                f"{r['test_id']} {r['issue_severity'].lower()}: {r['issue_text']}"
                for r in report["results"]]
    findings += [f"{e.get('filename')}: bandit error: {e.get('reason')}"
                 for e in report.get("errors", [])]
    return findings, int(report["metrics"]["_totals"].get("nosec", 0))


def detect_secrets(root: Path) -> list[str]:
    """detect-secrets' findings over every file (no online verification)."""
    done = subprocess.run([sys.executable, "-m", "detect_secrets", "-C", str(root.parent),
                           "scan", "--all-files", "--no-verify"],
                          capture_output=True, text=True)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        sys.exit(f"security-scan: detect-secrets failed:\n{done.stdout}{done.stderr}")
    return [f"{path}:{s['line_number']}: {s['type']}"
            for path, secrets in sorted(report["results"].items()) for s in secrets]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zip", type=Path, help="a built plugin ZIP (default: build one)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pollution-map-scan-") as tmp:
        zip_path = args.zip.resolve() if args.zip else build_zip(Path(tmp) / "dist")
        root = unpack(zip_path, Path(tmp) / "unpacked")
        files = sum(1 for p in root.rglob("*") if p.is_file())
        found_bandit, nosec = bandit(root)
        found_secrets = detect_secrets(root)
    for line in found_bandit:
        print(f"security-scan: bandit: {line}")
    for line in found_secrets:
        print(f"security-scan: detect-secrets: {line}")
    summary = (f"{zip_path.name}, {files} files: bandit {len(found_bandit)} finding(s) "
               f"({nosec} reviewed # nosec), detect-secrets {len(found_secrets)}")
    if found_bandit or found_secrets:
        print(f"security-scan: FAILED: {summary}", file=sys.stderr)
        return 1
    print(f"security-scan: ok ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
