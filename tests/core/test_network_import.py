"""import-network on small drawn cases: a reversed arc, a gap, a braid, an island, two parts,
double banks, polygons, file formats (Shapefile without .prj/.cpg, GPKG in a projected
CRS, GeoJSON) and the CLI."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from osgeo import ogr, osr

from pollution_map_plugin.core.db import create_database, open_database
from pollution_map_plugin.core.network.network_import import (
    NetworkImportOptions,
    build_network,
    import_network,
)

D = 0.01  # degrees: about 1 km


def write_lines(path: Path, lines: list[tuple[str | None, list]], driver: str = "GeoJSON",
                epsg: int | None = 4490, encoding: str | None = None, polygons=()) -> Path:
    """Write named lines (lon/lat, or the CRS's units) with OGR; no .prj when epsg is None."""
    drv = ogr.GetDriverByName(driver)
    if path.exists():
        drv.DeleteDataSource(str(path))
    ds = drv.CreateDataSource(str(path))
    srs = None
    if epsg:
        srs = osr.SpatialReference()
        srs.ImportFromEPSG(epsg)
        srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    opts = [f"ENCODING={encoding}"] if encoding else []
    layer = ds.CreateLayer("rivers", srs, ogr.wkbUnknown if polygons else ogr.wkbLineString,
                           opts)
    layer.CreateField(ogr.FieldDefn("NAME", ogr.OFTString))
    for name, pts in lines:
        f = ogr.Feature(layer.GetLayerDefn())
        if name is not None:
            f.SetField("NAME", name)
        g = ogr.Geometry(ogr.wkbLineString)
        for x, y in pts:
            g.AddPoint_2D(float(x), float(y))
        f.SetGeometry(g)
        layer.CreateFeature(f)
    for ring in polygons:
        f = ogr.Feature(layer.GetLayerDefn())
        f.SetGeometry(ogr.CreateGeometryFromWkt(ring))
        layer.CreateFeature(f)
    ds = None
    return path


def trunk(x0=106.0, y=30.0, n=4):
    """A west→east trunk of ``n`` arcs, named 主河."""
    return [("主河", [(x0 + i * D, y), (x0 + (i + 0.5) * D, y + 0.001), (x0 + (i + 1) * D, y)])
            for i in range(n)]


def tributary(x, y=30.0, name="支流", dx=-0.6, dy=1.0):
    """A tributary joining (x, y) from the north-west (drawn source → mouth)."""
    return (name, [(x + dx * D, y + dy * D), (x + dx * D / 2, y + dy * D / 2), (x, y)])


def flows_east(res, river="主河"):
    code = res.rivers.loc[res.rivers["name"] == river, "code"]
    sel = res.reaches[res.reaches["river_code"].isin(code)]
    return all(g.coords[-1][0] > g.coords[0][0] for g in sel.geometry)


def test_a_reversed_arc_is_found_and_turned(tmp_path):
    lines = trunk() + [tributary(106.0 + D), tributary(106.0 + 3 * D, name="二支")]
    lines[2] = ("主河", lines[2][1][::-1])  # the third trunk arc drawn upstream
    res = build_network(NetworkImportOptions([str(write_lines(tmp_path / "r.geojson", lines))]))
    assert res.reversed["fid"].tolist() == [2]
    assert flows_east(res)
    assert res.outlets.iloc[0]["lon"] == pytest.approx(106.04, abs=1e-6)
    names = res.rivers.set_index("code")["name"]
    main = names[names == "主河"].index[0]
    assert set(res.rivers.loc[res.rivers["name"] != "主河", "parent_code"]) == {main}
    # pseudo-nodes merged: the trunk is 3 reaches (split at two confluences), not 4 arcs
    assert (res.reaches["river_code"] == main).sum() == 3
    assert res.reaches["stream_order"].max() == 2
    r = res.reaches.set_index("code")
    mouth = r[r["downstream_code"].isna()]
    # 0.01° of longitude at 30° N is 0.963 km; the drawn wiggle makes the arc 0.988 km
    assert len(mouth) == 1 and mouth["length_km"].iloc[0] == pytest.approx(0.988, rel=0.005)


def test_the_user_outlet_wins(tmp_path):
    path = write_lines(tmp_path / "o.geojson", trunk() + [tributary(106.0 + D)])
    res = build_network(NetworkImportOptions([str(path)], outlets=[(106.0, 30.0)]))
    assert bool(res.outlets.iloc[0]["given"]) and res.outlets.iloc[0]["lon"] == 106.0
    assert not flows_east(res)  # the user said the water leaves in the west
    assert len(res.reversed) == 4  # the trunk; the tributary still flows into it


def test_gap_just_over_the_tolerance_is_reported_and_makes_two_parts(tmp_path):
    lines = trunk() + [tributary(106.0 + 2 * D, 30.0 + 0.0004)]  # ends ~44 m off the trunk
    res = build_network(NetworkImportOptions([str(write_lines(tmp_path / "g.geojson", lines))],
                                             tolerance_m=20.0))
    gaps = [f for f in res.findings if f.kind == "gap"]
    assert len(gaps) == 1 and gaps[0].features == [4]
    assert re.search(r"line end 4\d m from another line", gaps[0].message)
    assert len(res.outlets) == 2 and any(f.kind == "separate_parts" for f in res.findings)
    joined = build_network(NetworkImportOptions([str(tmp_path / "g.geojson")],
                                                tolerance_m=60.0))
    assert len(joined.outlets) == 1 and not [f for f in joined.findings if f.kind == "gap"]
    assert (joined.reaches["river_code"] == joined.rivers["code"].iloc[0]).sum() == 2


def test_braid_and_island_loop(tmp_path):
    x = 106.0 + 2 * D
    lines = trunk()
    lines[2] = ("主河", [(x, 30.0), (x + D / 2, 30.003), (x + D, 30.0)])  # north channel
    lines.append(("主河", [(x, 30.0), (x + D / 2, 29.997), (x + D, 30.0)]))  # south channel
    island = [(x + 0.3 * D, 30.0), (x + 0.5 * D, 30.001), (x + 0.7 * D, 30.0),
              (x + 0.5 * D, 29.999), (x + 0.3 * D, 30.0)]
    lines.append(("主河", island))
    res = build_network(NetworkImportOptions([str(write_lines(tmp_path / "b.geojson", lines))]))
    kinds = {f.kind for f in res.findings}
    assert {"braid", "cycle", "island_loop"} <= kinds
    f = res.features.set_index("fid")
    assert f.at[5, "outcome"] == "merged" and "closed loop" in f.at[5, "reason"]
    assert flows_east(res) and len(res.reversed) == 0
    assert len(res.outlets) == 1


def test_two_parts_each_get_an_outlet(tmp_path):
    lines = trunk() + trunk(x0=107.0, y=30.5, n=2)
    lines[4:] = [("东河", p) for _, p in lines[4:]]
    lines[5] = ("东河", lines[5][1][::-1])
    res = build_network(NetworkImportOptions([str(write_lines(tmp_path / "p.geojson", lines))]))
    assert len(res.outlets) == 2
    assert set(res.outlets["river_name"]) == {"主河", "东河"}
    assert res.rivers["water_system"].tolist() == res.rivers["name"].tolist()
    assert (res.rivers["key_river"] == False).all()  # noqa: E712


def test_double_banks_become_one_line_with_every_tributary(tmp_path):
    """A river drawn as two banks 440 m apart between 106.02 and 106.10 E; a tributary
    joins the south bank.  One bank is left out; the river and the tributary then meet
    one line, and the whole is one part flowing east."""
    lines = trunk(n=2) + [
        ("主河", [(106.02, 30.0), (106.10, 30.0)]),  # north bank, joins the trunk
        ("主河", [(106.02, 30.004), (106.06, 30.0045), (106.10, 30.004)]),  # south bank
        ("支流", [(106.055, 30.03), (106.06, 30.0045)]),  # joins the south bank
        ("主河", [(106.10, 30.0), (106.12, 30.0)]),  # continues from the north bank
    ]
    res = build_network(NetworkImportOptions([str(write_lines(tmp_path / "d.geojson",
                                                              lines))]))
    f = res.features.set_index("fid")
    merged = f.index[f["outcome"] == "merged"].tolist()
    assert len(merged) == 1 and merged[0] in (2, 3)  # one bank left out, whole or in part
    assert "second bank line of feature" in f.at[merged[0], "reason"]
    assert (f.drop(index=merged)["outcome"] == "used").all()
    banks = [x for x in res.findings if x.kind == "double_bank"]
    assert len(banks) == 1 and set(banks[0].features) == {2, 3}
    assert len(res.outlets) == 1 and res.outlets.iloc[0]["lon"] == pytest.approx(106.12)
    assert flows_east(res)
    r = res.reaches.set_index("code")
    trib = r[r["river_code"] == res.rivers.set_index("name").at["支流", "code"]]
    assert r.at[trib["downstream_code"].iloc[0], "river_code"] == \
        res.rivers.set_index("name").at["主河", "code"]
    off = build_network(NetworkImportOptions([str(tmp_path / "d.geojson")], bank_width_m=0))
    assert not [x for x in off.findings if x.kind == "double_bank"]
    assert len(off.outlets) == 2  # two banks that never meet at both ends: two parts


def test_shapefile_without_prj_or_cpg_gpkg_projected_and_geojson_together(tmp_path):
    shp = write_lines(tmp_path / "a.shp", trunk(n=2), "ESRI Shapefile", epsg=None,
                      encoding="GBK")
    for ext in (".prj", ".cpg"):
        shp.with_suffix(ext).unlink(missing_ok=True)
    from pyproj import Transformer

    to_gk = Transformer.from_crs(4490, 4545, always_xy=True)  # CGCS2000 3° GK CM 108 E
    line = [(106.02, 30.0), (106.03, 30.0), (106.04, 30.0)]
    gk = [to_gk.transform(x, y) for x, y in line]
    gpkg = write_lines(tmp_path / "b.gpkg", [("主河", gk)], "GPKG", epsg=4545,
                       polygons=["POLYGON ((106 30.1,106.01 30.1,106.01 30.11,106 30.1))"])
    js = write_lines(tmp_path / "c.geojson", [tributary(106.04, name=None)])
    res = build_network(NetworkImportOptions([str(shp), f"{gpkg}|layer=rivers", str(js)]))
    assert any("GB18030" in n for n in res.notes) and any("lon/lat" in n for n in res.notes)
    f = res.features
    assert f["name"].tolist()[:3] == ["主河"] * 3
    poly = f[f["source"] == "b.gpkg"].iloc[-1]
    assert poly["outcome"] == "dropped" and "polygon" in poly["reason"]
    assert flows_east(res) and len(res.outlets) == 1
    # the projected line came back to lon/lat: the network ends at 106.04 E
    assert res.reaches.total_bounds[2] == pytest.approx(106.04, abs=1e-6)
    assert res.rivers["name"].str.startswith("未命名河流").sum() == 1
    with pytest.raises(ValueError, match="--crs"):
        raw = write_lines(tmp_path / "m.shp", [("x", gk)], "ESRI Shapefile", epsg=None)
        build_network(NetworkImportOptions([str(raw)]))


def test_import_network_cli_writes_tables_report_and_links(tmp_path, capsys):
    from pollution_map_plugin.cli.main import main

    path = write_lines(tmp_path / "n.geojson", trunk() + [tributary(106.0 + D)])
    db_path = tmp_path / "n.gpkg"
    create_database(db_path).close()
    assert main(["import-network", str(db_path), str(path), "--tolerance", "5"]) == 0
    out = capsys.readouterr().out
    assert "5 input features: 5 used" in out and "outlet (found) of 主河" in out
    report = (tmp_path / "n_network_report.csv").read_text(encoding="utf-8-sig")
    assert report.count("\n") == 6 and "reach_codes" in report
    assert main(["import-network", str(db_path), str(path)]) == 1
    assert "--replace" in capsys.readouterr().err
    assert main(["import-network", str(db_path), str(path), "--replace", "--bbox",
                 "106.0,29.9,106.025,30.1", "--bank-width", "0"]) == 0
    with open_database(db_path) as db:
        reaches = db.read_layer("reaches")
        assert len(reaches) == 3 and reaches.total_bounds[2] == pytest.approx(106.025)


def test_bad_arguments_are_clear(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        build_network(NetworkImportOptions([]))
    with pytest.raises(FileNotFoundError):
        build_network(NetworkImportOptions([str(tmp_path / "none.shp")]))
    db = create_database(tmp_path / "x.gpkg")
    path = write_lines(tmp_path / "k.geojson", trunk())
    with pytest.raises(KeyError, match="no field 'RIVER'"):
        import_network(db, NetworkImportOptions([str(path)], name_field="RIVER"))
    assert db.count("reaches") == 0
    db.close()
