<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>PollutionMap</name>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>About / version</source>
        <translation>关于 / 版本</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>About Pollution Map</source>
        <translation>关于污染源地图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/provider.py"/>
        <source>Algorithms of {module} unavailable: {error}</source>
        <translation>{module} 中的算法不可用：{error}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>All optional Python packages are installed.</source>
        <translation>所有可选 Python 包均已安装。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/base.py"/>
        <source>Assessment and tracing</source>
        <translation>评价与溯源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>CRS: {0}</source>
        <translation>坐标系：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Check Python packages</source>
        <translation>检查 Python 包</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layers.py"/>
        <source>Could not open {0} from {1}</source>
        <translation>无法从 {1} 打开 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>Could not write {0}</source>
        <translation>无法写入 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>Data as of {0}</source>
        <translation>数据截至 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>Data source: {0}</source>
        <translation>数据来源：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/base.py"/>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/base.py"/>
        <source>Demo data</source>
        <translation>演示数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>Dependency versions (JSON)</source>
        <translation>依赖包版本（JSON）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/connection.py"/>
        <source>GeoPackage not found: {0}</source>
        <translation>未找到 GeoPackage：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/base.py"/>
        <source>HTML reports</source>
        <translation>HTML 报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/base.py"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/connection.py"/>
        <source>Invalid PostgreSQL connection string</source>
        <translation>无效的 PostgreSQL 连接字符串</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>Made with QGIS on {0}</source>
        <translation>{0} 由 QGIS 制作</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/base.py"/>
        <source>Maps</source>
        <translation>专题图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/thematic.py"/>
        <source>Misses its target</source>
        <translation>未达到水质目标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/dependencies.py"/>
        <source>Missing Python packages</source>
        <translation>缺少 Python 包</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/styles.py"/>
        <location filename="../../pollution_map_plugin/qgis_layer/thematic.py"/>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/dock.py"/>
        <source>No database loaded.</source>
        <translation>未加载数据库。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/connection.py"/>
        <source>Not a GeoPackage, a PostgreSQL connection string or a saved connection: {0}</source>
        <translation>既不是 GeoPackage，也不是 PostgreSQL 连接字符串或已保存的连接：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/styles.py"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>Period: {0}</source>
        <translation>时段：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>Periods: {0}</source>
        <translation>时段：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>Plugin version</source>
        <translation>插件版本</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/provider.py"/>
        <location filename="../../pollution_map_plugin/qgis_layer/dock.py"/>
        <source>Pollution Map</source>
        <translation>污染源地图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Pollution Map / 污染源地图</source>
        <translation>污染源地图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Pollution Map panel</source>
        <translation>污染源地图面板</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/provider.py"/>
        <source>Pollution Map {version}</source>
        <translation>污染源地图 {version}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Pollution Map {version} on QGIS {qgis}</source>
        <translation>污染源地图 {version}，运行于 QGIS {qgis}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/themes.py"/>
        <source>Pollution-load density (COD)</source>
        <translation>污染负荷密度（COD）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/themes.py"/>
        <source>Problem reaches {0}</source>
        <translation>问题河段 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>Python version</source>
        <translation>Python 版本</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>QGIS version</source>
        <translation>QGIS 版本</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>QGIS {version}</source>
        <translation>QGIS {version}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>Reports the version of the Pollution Map plugin, of QGIS and Python, and of the Python packages it uses (missing ones are reported as missing).</source>
        <translation>报告污染源地图插件、QGIS 和 Python 的版本，以及插件所用 Python 包的版本（未安装的包标为缺失）。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/themes.py"/>
        <source>Section water quality {0}</source>
        <translation>断面水质 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/themes.py"/>
        <source>Sections missing their targets {0}</source>
        <translation>未达标断面 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Show or hide the Pollution Map panel</source>
        <translation>显示或隐藏污染源地图面板</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>The panel is unavailable: {error}</source>
        <translation>面板不可用：{error}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/themes.py"/>
        <source>Thematic maps</source>
        <translation>专题图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/dependencies.py"/>
        <source>This feature needs the Python package(s) {modules}, which QGIS's Python lacks. Windows: open the OSGeo4W Shell and run: python -m pip install {pip}. Debian/Ubuntu: sudo apt install {apt}. macOS: run {python} -m pip install {pip}. Then restart QGIS.</source>
        <translation>此功能需要 Python 包 {modules}，但 QGIS 的 Python 环境中没有安装。Windows：打开 OSGeo4W Shell 并运行：python -m pip install {pip}。Debian/Ubuntu：sudo apt install {apt}。macOS：运行 {python} -m pip install {pip}。然后重新启动 QGIS。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layers.py"/>
        <source>This layer group was not loaded by the plugin.</source>
        <translation>此图层组不是由本插件加载的。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/themes.py"/>
        <source>Water-quality change {0}</source>
        <translation>水质变化 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_layer/layouts.py"/>
        <source>synthetic demo data</source>
        <translation>合成演示数据</translation>
    </message>
</context>
</TS>
