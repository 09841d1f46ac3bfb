"""Import district (区县) polygons from any polygon file OGR reads (Shapefile with or
without .prj/.cpg, GeoPackage, GeoJSON), the way the network import reads lines.

>>> report = import_districts(db, DistrictImportOptions("区县.shp"))
>>> report.written, report.rejected          # rows, [(fid, reason)]

The name comes from a field such as ``name``/``名称``/``区县``/``XZQMC`` (or
``name_field``), the code from ``code``/``区划代码``/``adcode``/``XZQDM`` (or
``code_field``; without one the name is the code, and the report says so).  Features
without a polygon or a name are rejected with their reason; duplicate codes are an
error.  The table is replaced in one transaction: an error writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .network.line_layers import dbf_encoding, pick_field, split_source

TARGET_CRS = "EPSG:4490"
NAME_FIELDS = ("name", "名称", "区县", "区县名称", "区县名", "县名", "xzqmc", "qxmc", "district",
               "name_zh", "name_cn", "county")
CODE_FIELDS = ("code", "区划代码", "行政区划代码", "区划码", "adcode", "xzqdm", "pac", "gbcode",
               "qxdm", "district_code")


class DistrictImportError(ValueError):
    """The file cannot give districts (nothing was written)."""


@dataclass(frozen=True)
class DistrictImportOptions:
    file: str  # a path, or ``path|layer=name``
    name_field: str | None = None
    code_field: str | None = None
    crs: str | None = None  # when the file has no projection


@dataclass
class DistrictImportReport:
    read: int = 0
    written: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"read {self.read}, written {self.written}, rejected {len(self.rejected)}"
                + "".join(f"\n  {n}" for n in self.notes)
                + "".join(f"\n  feature {fid}: {why}" for fid, why in self.rejected[:20]))


def read_districts(options: DistrictImportOptions):
    """(GeoDataFrame code, name, region, geometry in EPSG:4490, report) from the file."""
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, Polygon

    path_text, layer = split_source(options.file)
    path = Path(path_text)
    if not path.exists():
        raise DistrictImportError(f"no such file: {path}")
    report = DistrictImportReport()
    kwargs = {"layer": layer} if layer else {}
    enc = dbf_encoding(path) if path.suffix.lower() == ".shp" else None
    if enc:
        kwargs["encoding"] = enc
        report.notes.append(f"{path.name}: no .cpg, attribute text read as {enc}")
    try:
        frame = gpd.read_file(path, **kwargs)
    except Exception as exc:  # noqa: BLE001 - fiona/pyogrio errors alike
        raise DistrictImportError(f"{path}: not a vector file OGR can read ({exc})") from None
    report.read = len(frame)
    names = [c for c in frame.columns if c != frame.geometry.name]
    strings = {c for c in names if frame[c].dtype == object}
    try:
        fname = pick_field(names, NAME_FIELDS, options.name_field, strings)
        fcode = pick_field(names, CODE_FIELDS, options.code_field)
    except KeyError as exc:
        raise DistrictImportError(f"{path.name}: {exc.args[0]}") from None
    if fname is None:
        raise DistrictImportError(f"{path.name}: no district name field found (fields: "
                                  f"{', '.join(names) or 'none'}); give --name-field")
    report.notes.append(f"names from field {fname!r}")
    if fcode is None:
        report.notes.append("no code field: the name is used as the code")
    else:
        report.notes.append(f"codes from field {fcode!r}")
    if frame.crs is None:
        if options.crs:
            frame = frame.set_crs(options.crs)
        else:
            b = frame.total_bounds if len(frame) else [0, 0, 0, 0]
            if abs(b[0]) <= 180 and abs(b[2]) <= 180 and abs(b[1]) <= 90 and abs(b[3]) <= 90:
                frame = frame.set_crs(TARGET_CRS)
                report.notes.append("no projection: coordinates read as lon/lat (EPSG:4490)")
            else:
                raise DistrictImportError(f"{path.name}: no projection file and the "
                                          "coordinates are not lon/lat; give --crs")
    frame = frame.to_crs(TARGET_CRS)
    rows, geoms = [], []
    for fid, row in frame.iterrows():
        geom = row[frame.geometry.name]
        name = row[fname]
        name = str(name).strip() if name is not None and not pd.isna(name) else ""
        code = row[fcode] if fcode else name
        code = str(code).strip() if code is not None and not pd.isna(code) else ""
        if code.endswith(".0") and code[:-2].isdigit():
            code = code[:-2]  # a numeric code column read as float
        if geom is None or geom.is_empty:
            report.rejected.append((int(fid), "no geometry"))
        elif not isinstance(geom, (Polygon, MultiPolygon)):
            report.rejected.append((int(fid), f"not a polygon ({geom.geom_type})"))
        elif not name:
            report.rejected.append((int(fid), "no name"))
        elif not code:
            report.rejected.append((int(fid), "no code"))
        else:
            if not geom.is_valid:
                geom = geom.buffer(0)
            rows.append({"code": code, "name": name, "region": None})
            geoms.append(geom if isinstance(geom, MultiPolygon) else MultiPolygon([geom]))
    out = gpd.GeoDataFrame(pd.DataFrame(rows, columns=["code", "name", "region"]),
                           geometry=gpd.GeoSeries(geoms, crs=TARGET_CRS), crs=TARGET_CRS)
    dup = out["code"][out["code"].duplicated()].unique().tolist()
    if dup:
        raise DistrictImportError(f"{path.name}: duplicate district code(s) "
                                  f"{', '.join(map(str, dup[:10]))}: nothing written")
    if out.empty:
        raise DistrictImportError(f"{path.name}: no district polygon could be read "
                                  f"({len(report.rejected)} rejected): nothing written")
    return out, report


def import_districts(db, options: DistrictImportOptions) -> DistrictImportReport:
    """Replace the ``districts`` table of ``db`` with the file's polygons (one
    transaction; a migrated, current database: use ``open_current``)."""
    frame, report = read_districts(options)
    with db.transaction():
        report.written = db.write("districts", frame, mode="replace")
    return report
