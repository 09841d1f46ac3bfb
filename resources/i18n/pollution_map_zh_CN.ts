<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>PollutionMap</name>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/network_import_action.py"/>
        <source>(report: {0})</source>
        <translation>（报告：{0}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>; {0} % of the observed load is not covered by listed sources</source>
        <translation>；实测负荷中有 {0} % 未被所列污染源覆盖</translation>
    </message>
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
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Add the pollution-load density (heatmap)</source>
        <translation>添加污染负荷密度（热力图）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/provider.py"/>
        <source>Algorithms of {module} unavailable: {error}</source>
        <translation>{module} 中的算法不可用：{error}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>All optional Python packages are installed.</source>
        <translation>所有可选 Python 包均已安装。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>All sources (equivalent load)</source>
        <translation>全部污染源（等标污染负荷）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Already at schema version {0}</source>
        <translation>已是数据库结构版本 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Also a PNG of every page</source>
        <translation>同时导出每页的 PNG</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Applies the schema migrations a database needs to reach the version of this plugin, in one transaction: a failure leaves the database as it was.</source>
        <translation>在一个事务中执行数据库升级到本插件版本所需的结构迁移：迁移失败时数据库保持原状。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Areas</source>
        <translation>区域</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Assess rivers and areas</source>
        <translation>河流与区域水质评价</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Assess sections (GB 3838-2002)</source>
        <translation>断面水质评价（GB 3838-2002）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Assessed groups</source>
        <translation>评价结果（分组）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Assessed sections</source>
        <translation>评价结果（断面）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Assessing water quality</source>
        <translation>正在评价水质</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/algorithm_base.py"/>
        <source>Assessment and tracing</source>
        <translation>评价与溯源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Assessment summary</source>
        <translation>评价摘要</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>At the section (t/a)</source>
        <translation>到达断面（t/a）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>BD-09 (Baidu)</source>
        <translation>BD-09（百度）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Basemap</source>
        <translation>底图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Blank cells of rows already stored</source>
        <translation>已入库行的空白单元格</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Build demo database</source>
        <translation>生成演示数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Building the river network</source>
        <translation>正在构建河网</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Builds the rivers and reaches tables from river lines (Shapefile, GeoPackage, GeoJSON; several files at once; files without a projection are read as lon/lat unless a CRS is given). Line ends within the tolerance are joined, lines split at junctions and pseudo-nodes merged; reaches are grouped into rivers by name. The outlet of each part is found from the network (or given) and every reach is oriented downstream; lines drawn against the flow are reported and turned. Every input feature is listed in the report as used, merged or dropped.</source>
        <translation>由河流线要素（Shapefile、GeoPackage、GeoJSON；可同时导入多个文件；无投影文件的数据按经纬度读取，除非指定坐标系）生成河流表和河段表。容差内的线端点合并为节点，线在汇合处打断，伪节点合并；河段按名称归入河流。每个连通部分的出口由河网本身确定（或由用户给出），所有河段均定向为顺流方向；逆流绘制的线被报告并翻转。报告逐条列出每个输入要素：已使用、已合并或已舍弃。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>By district</source>
        <translation>按区县</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>COD t/a</source>
        <translation>COD t/a</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>CRS of a file without projection</source>
        <translation>无投影文件的坐标系</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>CRS of files without one (empty: lon/lat EPSG:4490)</source>
        <translation>无坐标系文件的坐标系（留空：经纬度 EPSG:4490）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <source>CRS: {0}</source>
        <translation>坐标系：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Cancelled; the files written so far stay.</source>
        <translation>已取消；已写出的文件保留。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_tool.py"/>
        <source>Candidate sources</source>
        <translation>候选污染源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Cannot open the database: {0}</source>
        <translation>无法打开数据库：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/period_picker.py"/>
        <source>Change</source>
        <translation>变化</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Change between two periods (by the method)</source>
        <translation>两个时段间的水质变化（按评价办法）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Change map</source>
        <translation>水质变化图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Change map: first period</source>
        <translation>变化图：第一时段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Change map: second period</source>
        <translation>变化图：第二时段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Change of</source>
        <translation>变化分析对象</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Change {0} (the method's ΔG − ΔD, percentage points)</source>
        <translation>水质变化 {0}（评价办法的 ΔG − ΔD，百分点）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>Changes only rows of {0}; other districts' rows are refused and recorded</source>
        <translation>只能修改{0}的数据；修改其他区县的数据会被拒绝并记录</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Check Python packages</source>
        <translation>检查 Python 包</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Checks a pollution-source database (GeoPackage or PostGIS): missing tables and columns, geometry types and coordinate system, unique natural keys, coded values, and links by code between tables (e.g. outfalls to reaches, measurements to sections). Every problem is listed; nothing is changed.</source>
        <translation>检查污染源数据库（GeoPackage 或 PostGIS）：缺失的表和字段、几何类型和坐标系、自然键唯一性、代码值，以及表之间按编码的关联（如入河排污口与河段、监测数据与断面）。列出发现的全部问题，不修改任何数据。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Chongqing (full size)</source>
        <translation>重庆（完整规模）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Class</source>
        <translation>水质类别</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Class jump for a sudden change</source>
        <translation>突变判定的类别跃升数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Class {0} ({1})</source>
        <translation>{0}类（{1}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Clear the stored value</source>
        <translation>清除已存储的值</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Click a monitoring section on the map to trace from it</source>
        <translation>在地图上点击一个监测断面，从该断面开始溯源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Code</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Code field (empty: guess)</source>
        <translation>编码字段（留空：自动识别）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Connecting to {0}</source>
        <translation>正在连接 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Connection string (service=… or host=… dbname=…)</source>
        <translation>连接字符串（service=… 或 host=… dbname=…）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Control unit</source>
        <translation>控制单元</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/trace_outputs.py"/>
        <source>Control units with their shares</source>
        <translation>控制单元及其贡献占比</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Coordinate system of the input</source>
        <translation>输入数据的坐标系</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layout_clone.py"/>
        <source>Could not copy the layout {0}</source>
        <translation>无法复制布局 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/atlas_export.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_export.py"/>
        <source>Could not draw the maps</source>
        <translation>无法绘制地图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Could not open {0} from {1}</source>
        <translation>无法从 {1} 打开 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Could not read the style {0}: {1}</source>
        <translation>无法读取样式 {0}：{1}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/atlas_export.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_export.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/section_timeline.py"/>
        <source>Could not write {0}</source>
        <translation>无法写入 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Create empty database</source>
        <translation>创建空数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Create unknown stations as unlocated sections</source>
        <translation>将未知站点创建为未定位断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Created {0}</source>
        <translation>已创建 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Creates an empty pollution-source GeoPackage with every layer and table of the plugin's schema (CGCS2000, EPSG:4490), spatial indexes and unique natural keys. A PostgreSQL connection string, or the name of a connection saved in QGIS (pg:NAME), creates the tables in PostGIS.</source>
        <translation>创建一个空的污染源 GeoPackage，包含本插件数据库结构中的全部图层和表（CGCS2000，EPSG:4490）、空间索引和自然键唯一约束。给出 PostgreSQL 连接字符串或 QGIS 中已保存连接的名称（pg:名称）时，则在 PostGIS 中创建这些表。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Critical</source>
        <translation>临界</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Critical share of the target limit</source>
        <translation>临界比例（占目标限值）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Cut to the box W,S,E,N in lon/lat (empty: everything)</source>
        <translation>按经纬度范围 西,南,东,北 裁剪（留空：全部）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>DM downstream mainstem</source>
        <translation>DM 下游干流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <source>Data as of {0}</source>
        <translation>数据截至 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <source>Data source: {0}</source>
        <translation>数据来源：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/algorithm_base.py"/>
        <source>Database</source>
        <translation>数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_input.py"/>
        <source>Database (GeoPackage file, PostgreSQL connection string or saved connection name)</source>
        <translation>数据库（GeoPackage 文件、PostgreSQL 连接字符串或已保存连接的名称）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>Database owner: every change allowed</source>
        <translation>数据库所有者：可修改全部数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Deadline</source>
        <translation>期限</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Demo (one city)</source>
        <translation>演示（一个城市）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Demo GeoPackage</source>
        <translation>演示 GeoPackage</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/algorithm_base.py"/>
        <source>Demo data</source>
        <translation>演示数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Density (heatmap)</source>
        <translation>密度（热力图）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>Dependency versions (JSON)</source>
        <translation>依赖包版本（JSON）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Details…</source>
        <translation>详情…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Detect</source>
        <translation>自动检测</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Detected encoding</source>
        <translation>检测到的编码</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Distance (km)</source>
        <translation>距离（km）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Distance (km, 0 = unlimited)</source>
        <translation>距离（km，0 = 不限）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>District</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Districts</source>
        <translation>区县</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Districts written</source>
        <translation>写入区县数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Downstream mainstem</source>
        <translation>下游干流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_tool.py"/>
        <source>Drainage control units</source>
        <translation>汇水控制单元</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Drinking-water source areas</source>
        <translation>饮用水水源地</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Drinking-water source areas out of compliance ({0})</source>
        <translation>不达标的饮用水水源地（{0}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/thematic_layers.py"/>
        <source>Drinking-water zone complies</source>
        <translation>饮用水水源保护区达标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/thematic_layers.py"/>
        <source>Drinking-water zone out of compliance</source>
        <translation>饮用水水源保护区不达标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/thematic_layers.py"/>
        <source>Drinking-water zone without a monitoring section</source>
        <translation>无监测断面的饮用水水源保护区</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Drinking-water zones {0}</source>
        <translation>饮用水水源保护区 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Each surface-water protection zone with the sections inside it, assessed against the zone's class (GB 3838-2002: first zone II, second zone III; the quasi zone is held to III) over a period (empty: the latest year), with the supplementary items of Table 2 where measured (sulfate 250, chloride 250, nitrate as N 10, iron 0.3, manganese 0.1 mg/L). complies is false for the zones out of compliance. Groundwater sources are not assessed.</source>
        <translation>对每个地表水饮用水水源保护区及其范围内的断面，按保护区对应的水质类别评价指定时段（留空：最近一年）的水质（GB 3838-2002：一级保护区Ⅱ类，二级保护区Ⅲ类；准保护区按Ⅲ类要求），有监测数据时包括表 2 的补充项目（硫酸盐 250、氯化物 250、硝酸盐（以 N 计）10、铁 0.3、锰 0.1 mg/L）。不达标保护区的 complies 为 false。不评价地下水水源地。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Earlier period</source>
        <translation>前一时段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Encoding</source>
        <translation>编码</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Enterprise</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Enterprises in the catchment: {15}, COD {16} t/a</source>
        <translation>汇水范围内企业：{15} 家，COD {16} t/a</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Every river</source>
        <translation>全部河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Every sample since (date; empty: the latest of each item)</source>
        <translation>自该日期起的全部样品（日期；留空：各指标的最新样品）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Exceedance</source>
        <translation>超标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Exceedance and sudden-change warnings</source>
        <translation>超标与突变预警</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Export HTML reports</source>
        <translation>导出 HTML 报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Export HTML reports to</source>
        <translation>HTML 报告导出到</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Export maps to</source>
        <translation>专题图导出到</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Export maps…</source>
        <translation>导出专题图…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Export river reports as HTML (一河一策)</source>
        <translation>导出河流 HTML 报告（一河一策）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Export the atlas to</source>
        <translation>图册导出到</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Exporting HTML reports</source>
        <translation>正在导出 HTML 报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_export.py"/>
        <source>Exporting the maps</source>
        <translation>正在导出专题图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Field with river names (empty: detected)</source>
        <translation>河流名称字段（留空：自动识别）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Filter by section, item or text</source>
        <translation>按断面、指标或文字筛选</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>First-level protection zone</source>
        <translation>一级保护区</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>GCJ-02 (Amap/Gaode, Tencent)</source>
        <translation>GCJ-02（高德、腾讯）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Gaode (GCJ-02)</source>
        <translation>高德（GCJ-02）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Gaode / Amap (GCJ-02)</source>
        <translation>高德地图（GCJ-02）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Generates a synthetic, hydrologically consistent pollution-source database (rivers, reaches, control units, sections, sources, monthly measurements, river chiefs, problems and projects) and writes it to a GeoPackage. The same seed always gives the same data. Scale 'demo' is one city and takes seconds; 'chongqing' has the size of a municipal deployment (about a million measurements) and takes a few minutes. The data is fictitious and the database metadata says so.</source>
        <translation>生成一个合成的、水文上自洽的污染源数据库（河流、河段、控制单元、断面、污染源、逐月监测数据、河长、问题清单和治理项目），写入 GeoPackage。相同的随机种子总是生成相同的数据。规模“demo”为一个城市，只需几秒；“chongqing”相当于一个直辖市的部署规模（约一百万条监测数据），需要几分钟。数据均为虚构，数据库元数据中已注明。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Generating scale {scale}, seed {seed}…</source>
        <translation>正在生成规模 {scale}、种子 {seed} 的数据…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>GeoPackage (*.gpkg)</source>
        <translation>GeoPackage (*.gpkg)</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>GeoPackage file…</source>
        <translation>GeoPackage 文件…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/connection.py"/>
        <source>GeoPackage not found: {0}</source>
        <translation>未找到 GeoPackage：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_input.py"/>
        <source>Give a database: a GeoPackage file or a PostgreSQL connection</source>
        <translation>请指定数据库：GeoPackage 文件或 PostgreSQL 连接</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Give at least one line layer</source>
        <translation>请至少给出一个线图层</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Give both change periods or neither.</source>
        <translation>变化时段要么两个都给，要么都不给。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_input.py"/>
        <source>Give one database, not several: {targets}</source>
        <translation>只能指定一个数据库，而不是多个：{targets}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Gives every section, outfall, sewage plant, enterprise, farm, petrol station and park its reach: the reach code in the data, its outfall's reach, a river named in its name, or the nearest reach within the tolerance of its type. Records the method and the distance, fills the river where it is empty, and lists what is too far or disagrees with the data (the data is kept).</source>
        <translation>为每个断面、排污口、污水处理厂、企业、养殖场、加油站和园区确定所在河段：数据中的河段编码、其排污口的河段、名称中包含的河流，或按类型容差范围内最近的河段。记录关联方式与距离，补填空缺的所属河流，并列出距离过远或与数据不一致的记录（保留数据原值）。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Group by</source>
        <translation>分组方式</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Groups: count every section assessed in each period (default: only those with a class in both)</source>
        <translation>分组：统计每个时段参评的全部断面（默认：仅统计两个时段均有水质类别的断面）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Guess from the name (湖, 水库, 库心, 库区: lake)</source>
        <translation>按名称推断（含湖、水库、库心、库区：湖库）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>HTML export incomplete: {0} page(s) not written, listed in {1}</source>
        <translation>HTML 导出不完整：{0} 个页面未写入，见 {1}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/algorithm_base.py"/>
        <source>HTML reports</source>
        <translation>HTML 报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>HTML reports written to {0}</source>
        <translation>HTML 报告已写入 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>HTML reports…</source>
        <translation>HTML 报告…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Header mapping (header=column; …)</source>
        <translation>表头映射（表头=字段; …）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/algorithm_base.py"/>
        <source>Import</source>
        <translation>导入</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Import districts (区县) from a polygon file</source>
        <translation>从面文件导入区县</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/network_import_action.py"/>
        <source>Import river network</source>
        <translation>导入河网</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Import river network…</source>
        <translation>导入河网…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Import table from CSV/XLSX</source>
        <translation>从 CSV/XLSX 导入表格</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/network_import_action.py"/>
        <source>Importing the river network</source>
        <translation>正在导入河网</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Imports a CSV (UTF-8, UTF-8 with BOM, GBK or GB18030, detected) or XLSX file into a table of the pollution-source database. Headers may be Chinese or English (企业名称/name, 经度/lon, 纬度/lat, …) or mapped explicitly as 'header=column; header=column'. Coordinates may be decimal or degrees-minutes-seconds in WGS84, CGCS2000, GCJ-02 (Amap, Tencent) or BD-09 (Baidu); they are stored in CGCS2000. Every row is validated; rejected rows go to the rejects file with their line number and reason. The accepted rows are written in one transaction, inserting or updating by the natural key: importing the same file again changes nothing. A blank cell keeps the value already stored unless you choose to clear it; the summary counts them. A doubtful encoding guess is refused: then choose the encoding (Big5 included). Sections without coordinates are stored unlocated. The national automatic monitoring release (省份, 断面名称, 监测时间 without a year, 水质类别, one column per item) is read as measurements: give the year unless the file carries its date; '--' and '*' are no value; a bad cell loses only that value (listed in the rejects file); unknown stations can be created as unlocated sections coded from province and name, their water-body type guessed from the name; rows whose published class disagrees with the computed one go to the class report.</source>
        <translation>将 CSV（UTF-8、带 BOM 的 UTF-8、GBK 或 GB18030，自动检测）或 XLSX 文件导入污染源数据库的一张表。表头可以是中文或英文（企业名称/name、经度/lon、纬度/lat 等），也可以显式映射为“表头=字段; 表头=字段”。坐标可为十进制或度分秒格式，坐标系可为 WGS84、CGCS2000、GCJ-02（高德、腾讯）或 BD-09（百度），统一存储为 CGCS2000。每一行都会校验；被拒绝的行连同行号和原因写入拒绝文件。通过校验的行在一个事务中按自然键插入或更新：重复导入同一文件不会产生任何变化。空白单元格默认保留已存储的值，也可选择清除；摘要中会统计。编码猜测存疑时拒绝导入：请指定编码（含 Big5）。没有坐标的断面按未定位存储。国家地表水自动监测发布数据（省份、断面名称、无年份的监测时间、水质类别、每个指标一列）按监测数据读取：文件未带日期时请给出年份；“--”和“*”表示无数值；错误的单元格只丢弃该值（列入拒绝文件）；未知站点可按省份和名称编码创建为未定位断面，水体类型按名称推断；发布类别与计算类别不一致的行写入类别报告。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_share_bar.py"/>
        <source>Industry</source>
        <translation>工业</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Input file (CSV or XLSX)</source>
        <translation>输入文件（CSV 或 XLSX）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/connection.py"/>
        <source>Invalid PostgreSQL connection string</source>
        <translation>无效的 PostgreSQL 连接字符串</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Item</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/trace_outputs.py"/>
        <source>Items to trace (NH3N, TP, COD …; comma-separated; empty: none)</source>
        <translation>溯源指标（NH3N, TP, COD …；逗号分隔；留空：无）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Items, e.g. NH3N,TP (sections; empty: every item measured)</source>
        <translation>指标，如 NH3N,TP（断面；留空：全部已监测指标）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Keep the stored value</source>
        <translation>保留已存储的值</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Key rivers</source>
        <translation>重点河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Key rivers (all with sections or sources if none is flagged)</source>
        <translation>重点河流（未标记重点河流时为所有有断面或污染源的河流）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Lake or reservoir</source>
        <translation>湖泊或水库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/thematic_layers.py"/>
        <source>Lake: {0}</source>
        <translation>湖库：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Lakes and reservoirs: trophic state ({0})</source>
        <translation>湖库营养状态（{0}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Language of the pages</source>
        <translation>页面语言</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Largest sources in the catchment (COD)</source>
        <translation>汇水范围内主要污染源（COD）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Later period</source>
        <translation>后一时段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layout_legend.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Legend</source>
        <translation>图例</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Length: {1} km · source: {2} · mouth: {3}</source>
        <translation>长度：{1} km · 源头：{2} · 河口：{3}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Level</source>
        <translation>级别</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/network_import_action.py"/>
        <source>Line layers ({0})</source>
        <translation>线图层（{0}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Lines turned downstream</source>
        <translation>已翻转为顺流方向的线</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Link report</source>
        <translation>关联报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Link sections and sources to the network</source>
        <translation>断面与污染源关联到河网</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Link sections and sources to the new reaches</source>
        <translation>将断面和污染源关联到新河段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_share_bar.py"/>
        <source>Livestock</source>
        <translation>畜禽养殖</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Load</source>
        <translation>加载</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Load database</source>
        <translation>加载数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Load from</source>
        <translation>负荷依据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Loaded {0}</source>
        <translation>已加载 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Loading {0}</source>
        <translation>正在加载 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Loads the database (a GeoPackage, a PostgreSQL connection string or a saved connection) into a project of its own, assesses the period (default: the latest year with data) and exports the watershed river-system, monitoring-section, pollution-distribution, problem-water-body and water-quality change maps as A4 print layouts to PNG and PDF.</source>
        <translation>将数据库（GeoPackage、PostgreSQL 连接字符串或已保存的连接）加载到独立的工程中，评价指定时段（默认：有数据的最近一年）的水质，并将流域水系图、监测断面图、污染分布图、问题水体图和水质变化图以 A4 打印布局导出为 PNG 和 PDF。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>Local file: every change allowed</source>
        <translation>本地文件：可修改全部数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Location</source>
        <translation>位置</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <source>Made with QGIS on {0}</source>
        <translation>{0} 由 QGIS 制作</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Main failing item</source>
        <translation>主要超标指标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Main page</source>
        <translation>主页</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Main pollutants</source>
        <translation>主要污染指标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_export.py"/>
        <source>Map export cancelled; nothing was written</source>
        <translation>已取消地图导出，未写入任何文件</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/algorithm_base.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Maps</source>
        <translation>专题图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>May edit the rows of {0} in: {1}</source>
        <translation>可修改{0}在以下表中的数据：{1}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>May edit: {0}</source>
        <translation>可修改：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Measure</source>
        <translation>治理措施</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Message</source>
        <translation>信息</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Migrate database to the current schema</source>
        <translation>将数据库迁移到当前结构版本</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Migrated to schema version {0}</source>
        <translation>已迁移到数据库结构版本 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/thematic_layers.py"/>
        <source>Misses its target</source>
        <translation>未达到水质目标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dependencies.py"/>
        <source>Missing Python packages</source>
        <translation>缺少 Python 包</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Mode</source>
        <translation>模式</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Monitoring sections</source>
        <translation>监测断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Monitoring-section map</source>
        <translation>监测断面图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/period_picker.py"/>
        <source>Month</source>
        <translation>月</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Monthly classes ready: play them with the Temporal Controller</source>
        <translation>逐月水质类别已就绪：请用时间控制器播放</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Monthly timeline</source>
        <translation>逐月水质变化</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>NH3-N t/a</source>
        <translation>NH3-N t/a</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Name field (empty: guess)</source>
        <translation>名称字段（留空：自动识别）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Navigates the river network from a section like the USGS NLDI (UT upstream with tributaries, UM upstream mainstem, DM downstream mainstem) within a distance (0 = unlimited) and lists the reaches, the pollution sources discharging into them ranked by distance and load, and the control units. With items (or 'every failing item'), each item's sources are ranked by the load arriving at the section (first-order decay along the network, coefficients in the user guide, overridable with a JSON file); the summary and the share outputs give each source's share, the shares by source type, stretch and control unit, and the short list making up 80 % of it.</source>
        <translation>仿照 USGS NLDI 从断面出发沿河网追踪（UT 上游（含支流）、UM 上游干流、DM 下游干流），在指定距离内（0 = 不限）列出河段、向这些河段排放的污染源（按距离和负荷排序）以及控制单元。给出指标（或选择“全部超标指标”）时，按到达断面的负荷对每个指标的污染源排序（沿河网一级衰减，系数见使用说明，可用 JSON 文件覆盖）；摘要和贡献占比输出给出每个污染源的贡献占比、按污染源类型、河段区间和控制单元汇总的贡献占比，以及合计占 80 % 的重点污染源清单。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>New database</source>
        <translation>新数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/thematic_layers.py"/>
        <source>No data</source>
        <translation>无数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>No database loaded.</source>
        <translation>未加载数据库。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/cjk_fonts.py"/>
        <source>No font with Chinese characters is installed: map labels, titles and legends will show empty boxes. Install one (Debian/Ubuntu: apt install fonts-noto-cjk or fonts-wqy-microhei; Windows has Microsoft YaHei) and restart QGIS.</source>
        <translation>未安装含中文字符的字体：地图标注、标题和图例将显示为空白方框。请安装一种中文字体（Debian/Ubuntu：apt install fonts-noto-cjk 或 fonts-wqy-microhei；Windows 自带微软雅黑），然后重新启动 QGIS。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>No output file given</source>
        <translation>未指定输出文件</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>No problems found.</source>
        <translation>未发现问题。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>No river to put in the atlas</source>
        <translation>没有可编入图册的河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/section_timeline.py"/>
        <source>No section on river {0}</source>
        <translation>河流 {0} 上没有断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/thematic_layers.py"/>
        <source>No trophic state (rivers; lakes without data)</source>
        <translation>无营养状态（河流；无数据的湖库）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Non-detects count as</source>
        <translation>未检出按以下值计</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>None (rivers drawn as the background)</source>
        <translation>无（以水系为底图）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>None (water systems as background)</source>
        <translation>无（以水系为背景）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/connection.py"/>
        <source>Not a GeoPackage, a PostgreSQL connection string or a saved connection: {0}</source>
        <translation>既不是 GeoPackage，也不是 PostgreSQL 连接字符串或已保存的连接：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_share_bar.py"/>
        <source>Not covered by listed sources</source>
        <translation>所列污染源未覆盖</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Not written: {page} ({reason})</source>
        <translation>未写入：{page}（{reason}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Nothing to summarise yet.</source>
        <translation>暂无可汇总的内容。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Number of files</source>
        <translation>文件数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Number of problems</source>
        <translation>问题数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Offline (no request to any other host at start)</source>
        <translation>离线（启动时不请求任何外部主机）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Offline HTML maps for river chiefs: one per river and an overview</source>
        <translation>供河长使用的离线 HTML 地图：每条河流一份，另附总览</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Offline: everything inside the files</source>
        <translation>离线：所有内容内嵌于文件</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>One PDF per key river: cover, the five maps of its catchment and its tables (一河一策图册)</source>
        <translation>每条重点河流一份 PDF：封面、流域五张专题图及其表格（一河一策图册）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/atlas_export.py"/>
        <source>One-river atlas</source>
        <translation>一河一策图册</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>One-river atlas rivers</source>
        <translation>一河一策图册河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/atlas_export.py"/>
        <source>One-river atlas: drawing the maps</source>
        <translation>一河一策图册：正在绘制地图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>One-river-one-policy atlas</source>
        <translation>一河一策图册</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>One-tailed significance</source>
        <translation>单侧显著性水平</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Only the zones out of compliance</source>
        <translation>仅不达标的保护区</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Open a pollution-source database</source>
        <translation>打开污染源数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>OpenStreetMap</source>
        <translation>OpenStreetMap</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_share_bar.py"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Other rivers</source>
        <translation>其他河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Outlet as lon,lat (empty: found from the network)</source>
        <translation>出口 经度,纬度（留空：由河网确定）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Output folder</source>
        <translation>输出文件夹</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>PNG resolution (dpi)</source>
        <translation>PNG 分辨率（dpi）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Per district (区县): monitoring sections by water-quality class for the period, the share meeting their target, and pollution sources by type with their COD, NH3-N and TP loads; a total row last. Points are placed by the district polygons (or by their district attribute where the database has none).</source>
        <translation>按区县统计：时段内各水质类别的监测断面数、达标断面比例，以及按类型统计的污染源及其 COD、NH3-N 和 TP 负荷；最后一行为合计。点要素按区县面确定所属区县（数据库中没有区县面时按其区县属性）。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Per river (default: the key rivers; or codes/names separated by commas, or 'all'): a cover with the dossier facts, the five thematic maps zoomed to the river's catchment and clipped to it, and its tables (sections and classes, problems, largest sources, projects), through a QGIS atlas layout. Writes one PDF per river, index.html and index.csv.</source>
        <translation>按河流（默认：重点河流；或以逗号分隔的编码/名称，或“all”）：通过 QGIS 图集布局生成封面（河流档案信息）、缩放并裁剪到该河流汇水范围的五张专题图，以及相关表格（断面及水质类别、问题清单、主要污染源、治理项目）。每条河流输出一个 PDF，并生成 index.html 和 index.csv。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Per-feature report</source>
        <translation>逐要素报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/period_picker.py"/>
        <source>Period</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/trace_outputs.py"/>
        <source>Period (2025, 2025-Q3 …; empty: the latest year)</source>
        <translation>时段（2025、2025-Q3 …；留空：最近一年）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Period (e.g. 2024, 2024-Q3; empty: the latest year)</source>
        <translation>时段（如 2024、2024-Q3；留空：最近一年）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Period (e.g. 2024; empty: latest year)</source>
        <translation>时段（如 2024；留空：最近一年）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Period length</source>
        <translation>时段长度</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Period {period}: {n} sections</source>
        <translation>时段 {period}：{n} 个断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Period {period}: {n} zone/section rows, {bad} out of compliance</source>
        <translation>时段 {period}：{n} 条保护区/断面记录，{bad} 条不达标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <source>Period: {0}</source>
        <translation>时段：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/period_picker.py"/>
        <source>Periods</source>
        <translation>时段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Periods (empty: every period with data)</source>
        <translation>时段（留空：所有有数据的时段）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <source>Periods: {0}</source>
        <translation>时段：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Pick a section</source>
        <translation>选择断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Place points by their district attribute</source>
        <translation>按区县属性确定点要素所属区县</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>Plugin version</source>
        <translation>插件版本</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/provider.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
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
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Pollution map</source>
        <translation>污染分布图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Pollution sources</source>
        <translation>污染源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Pollution-distribution map</source>
        <translation>污染分布图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Pollution-load density (COD)</source>
        <translation>污染负荷密度（COD）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Polygon file</source>
        <translation>面文件</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>PostGIS: {0}</source>
        <translation>PostGIS：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>PostgreSQL</source>
        <translation>PostgreSQL</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>PostgreSQL connection string…</source>
        <translation>PostgreSQL 连接字符串…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Preparing the one-river atlas</source>
        <translation>正在准备一河一策图册</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Problem map</source>
        <translation>问题水体图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Problem reaches {0}</source>
        <translation>问题河段 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Problem-water-body map</source>
        <translation>问题水体图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Problems</source>
        <translation>问题列表</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Problems: {12} (open: {13}) · remediation projects: {14}</source>
        <translation>问题：{12} 个（未整改：{13} 个）· 治理项目：{14} 个</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Progress %</source>
        <translation>进度 %</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Published class disagreements</source>
        <translation>发布类别不一致报告</translation>
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
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/period_picker.py"/>
        <source>Quarter</source>
        <translation>季度</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Quasi-protection zone</source>
        <translation>准保护区</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Random seed</source>
        <translation>随机种子</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/period_picker.py"/>
        <source>Range of months</source>
        <translation>月份区间</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Rank</source>
        <translation>排名</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Reaches</source>
        <translation>河段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>Read only: you can view and assess, not change data</source>
        <translation>只读：可查看和评价，不能修改数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Reading the monthly class history</source>
        <translation>正在读取逐月水质类别</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Reading your database role</source>
        <translation>正在读取您的数据库角色</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Reading {db}</source>
        <translation>正在读取 {db}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Recent samples for the standard deviation</source>
        <translation>计算标准差所用的近期样本数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Records too far from any reach</source>
        <translation>距任何河段过远的记录</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Rejected rows</source>
        <translation>被拒绝的行</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Related tables</source>
        <translation>关联表</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Remediation projects</source>
        <translation>治理项目</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Render the five thematic maps (PNG + PDF)</source>
        <translation>绘制五张专题图（PNG + PDF）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Render the one-river atlas (一河一策图册)</source>
        <translation>绘制一河一策图册</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Replace an existing database</source>
        <translation>替换已有数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Replace the rivers and reaches already in the database</source>
        <translation>替换数据库中已有的河流和河段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Replaces the districts layer with the polygons of a Shapefile, GeoPackage (path|layer=name) or GeoJSON: the name from a field such as name/名称/区县/XZQMC, the code from code/区划代码/adcode/XZQDM (or the fields given). Features without a polygon or a name are rejected and listed; duplicate codes write nothing.</source>
        <translation>用 Shapefile、GeoPackage（路径|layer=图层名）或 GeoJSON 中的面要素替换区县图层：名称取自 name/名称/区县/XZQMC 等字段，编码取自 code/区划代码/adcode/XZQDM（或指定的字段）。没有面几何或名称的要素被拒绝并列出；编码重复时不写入任何数据。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Report</source>
        <translation>报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Report only, write nothing</source>
        <translation>仅报告，不写入</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>Reports the version of the Pollution Map plugin, of QGIS and Python, and of the Python packages it uses (missing ones are reported as missing).</source>
        <translation>报告污染源地图插件、QGIS 和 Python 的版本，以及插件所用 Python 包的版本（未安装的包标为缺失）。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Resolution (dpi)</source>
        <translation>分辨率（dpi）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>River</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>River atlas (PDF)…</source>
        <translation>一河一策图册（PDF）…</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>River chiefs: {11}</source>
        <translation>河长：{11}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>River code (empty: every key river, overview and index)</source>
        <translation>河流编码（留空：所有重点河流、总览和索引页）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>River line layers or files</source>
        <translation>河流线图层或文件</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/network_import_action.py"/>
        <source>River network imported: {0}</source>
        <translation>河网已导入：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/network_import_action.py"/>
        <source>River network: one or more line layers</source>
        <translation>河网：一个或多个线图层</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/layout_legend.py"/>
        <source>Rivers</source>
        <translation>河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Rivers (codes or names, comma-separated; empty: key rivers; all: every river)</source>
        <translation>河流（编码或名称，逗号分隔；留空：重点河流；all：全部河流）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layout_legend.py"/>
        <source>Rivers by stream order</source>
        <translation>按河流级别显示河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>Role unknown</source>
        <translation>角色未知</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Rows accepted</source>
        <translation>接受行数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Rows inserted</source>
        <translation>插入行数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Rows read</source>
        <translation>读取行数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Rows rejected</source>
        <translation>拒绝行数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Rows unchanged</source>
        <translation>未变行数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Rows updated</source>
        <translation>更新行数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Sampled on</source>
        <translation>采样日期</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Save as layers</source>
        <translation>保存为图层</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Scale</source>
        <translation>规模</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Schema version</source>
        <translation>数据库结构版本</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Score</source>
        <translation>得分</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Second-level protection zone</source>
        <translation>二级保护区</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Section</source>
        <translation>断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/section_timeline.py"/>
        <source>Section class by month</source>
        <translation>断面逐月水质类别</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Section code</source>
        <translation>断面编码</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/atlas_legend.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/layout_legend.py"/>
        <source>Section level</source>
        <translation>断面级别</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Section map</source>
        <translation>监测断面图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Section water quality {0}</source>
        <translation>断面水质 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Sections and classes</source>
        <translation>断面及水质类别</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Sections created</source>
        <translation>新建断面数</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Sections missing their targets {0}</source>
        <translation>未达标断面 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Sections whose level changed ({0})</source>
        <translation>水质状况等级变化的断面（{0}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Sections: the qualitative level before and after (优 I–II, 良好 III, 轻度污染 IV, 中度污染 V, 重度污染 劣V); the same level is 无明显变化 (I → II is no change), one level 有所好转/有所变差, two or more 明显好转/明显变差. Rivers, control units, water systems, districts and the whole area: ΔG − ΔD (the change of the share of I–III sections minus that of 劣V sections, percentage points); within ±10 no clear change, 10–20 slight, beyond 20 clear. The figures are fields of the output.</source>
        <translation>断面：比较前后两个时段的水质状况等级（优 Ⅰ～Ⅱ类、良好 Ⅲ类、轻度污染 Ⅳ类、中度污染 Ⅴ类、重度污染 劣Ⅴ类）；等级相同为无明显变化（Ⅰ类 → Ⅱ类不算变化），相差一个等级为有所好转/有所变差，相差两个及以上等级为明显好转/明显变差。河流、控制单元、水系、区县和全区域：ΔG − ΔD（Ⅰ～Ⅲ类断面比例的变化减去劣Ⅴ类断面比例的变化，百分点）；±10 以内为无明显变化，10～20 为有所变化，超过 20 为明显变化。各项数值均为输出字段。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Sections: {6}, missing their target: {7} · classes {8}: {9} · worst: {10}</source>
        <translation>断面：{6} 个，未达标：{7} 个 · {8} 水质类别：{9} · 最差：{10}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_share_bar.py"/>
        <source>Sewage plants</source>
        <translation>污水处理厂</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Share</source>
        <translation>贡献占比</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_tool.py"/>
        <source>Shares of {0}</source>
        <translation>{0} 贡献占比</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Sheet (XLSX; default the first)</source>
        <translation>工作表（XLSX；默认第一个）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Show or hide the Pollution Map panel</source>
        <translation>显示或隐藏污染源地图面板</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Significant trends ({0} of {1} series)</source>
        <translation>显著变化趋势（{1} 个序列中的 {0} 个）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>Snapping tolerance (m)</source>
        <translation>捕捉容差（米）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Source</source>
        <translation>污染源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Source-area zones</source>
        <translation>水源地保护区</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/source_aggregation.py"/>
        <source>Sources per {0} km hexagon (COD load; beyond 1:{1:,})</source>
        <translation>每 {0} km 六边形内的污染源（COD 负荷；比例尺小于 1:{1:,} 时）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/trace_outputs.py"/>
        <source>Sources with their shares</source>
        <translation>污染源及其贡献占比</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Spearman's rank correlation r_s of each section's item means (or, for a river, control unit, water system, district or the whole area, the share of I–III sections) against time, tested against the critical value W_p of the method's table for N periods (one-tailed α 0.05 or 0.01): |r_s| ≥ W_p is a significant rise or fall (a rising concentration is worsening, except DO and transparency; a rising share is improving). With |r_s| below W_p, or fewer than 5 periods, there is no significant trend. Periods: 2019,2020,… or a range 2019..2025 split by the frequency (empty: every period with data). Fields n, rs, critical_value, trend_zh, quality_zh and note state the test.</source>
        <translation>各断面指标均值（河流、控制单元、水系、区县或全区域则为Ⅰ～Ⅲ类断面比例）与时间的 Spearman 秩相关系数 r_s，按评价办法附表中 N 个时段对应的临界值 W_p 检验（单侧 α 0.05 或 0.01）：|r_s| ≥ W_p 为显著上升或显著下降（浓度上升为变差，溶解氧和透明度除外；比例上升为好转）。|r_s| 小于 W_p 或时段少于 5 个时，无显著变化趋势。时段：2019,2020,… 或区间 2019..2025（按频率划分；留空：所有有数据的时段）。字段 n、rs、critical_value、trend_zh、quality_zh 和 note 说明检验情况。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Statistics by district</source>
        <translation>按区县统计</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>Statistics table</source>
        <translation>统计表</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Stream order {0}</source>
        <translation>{0} 级河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Stream order {0} and above</source>
        <translation>{0} 级及以上河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/styles.py"/>
        <source>Style file missing: {0} (reinstall the plugin)</source>
        <translation>缺少样式文件：{0}（请重新安装插件）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Subject</source>
        <translation>对象</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Sudden change</source>
        <translation>突变</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Sudden change beyond k standard deviations</source>
        <translation>超出 k 倍标准差的突变</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Summary</source>
        <translation>摘要</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Summary (JSON)</source>
        <translation>摘要（JSON）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Synthetic data: </source>
        <translation>合成数据：</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Table</source>
        <translation>表</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Tables</source>
        <translation>表格</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Target</source>
        <translation>水质目标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/atlas_export.py"/>
        <source>The atlas has no river to print</source>
        <translation>图集中没有可输出的河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>The box is W,S,E,N</source>
        <translation>范围格式为 西,南,东,北</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/network_import_action.py"/>
        <source>The database already holds {0} rivers and {1} reaches. Replace them?</source>
        <translation>数据库中已有 {0} 条河流、{1} 个河段。是否替换？</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>The database has no drinking-water source areas.</source>
        <translation>数据库中没有饮用水水源地。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>The database has no measurements.</source>
        <translation>数据库中没有监测数据。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>The five print layouts as PNG and PDF</source>
        <translation>五张专题图的打印布局，导出为 PNG 和 PDF</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/atlas_export.py"/>
        <source>The layout has no atlas</source>
        <translation>该布局没有图集</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/network_algorithms.py"/>
        <source>The outlet is lon,lat</source>
        <translation>出口格式为 经度,纬度</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>The panel is unavailable: {error}</source>
        <translation>面板不可用：{error}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>The pollutant whose sources are ranked by the load arriving at the section</source>
        <translation>按到达断面的负荷对其污染源排序的污染物</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>The sections' monthly classes as a temporal layer: play them with the Temporal Controller</source>
        <translation>断面逐月水质类别的时态图层：可用时间控制器播放</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>The usage guide is missing: {0}</source>
        <translation>缺少使用说明：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>The whole area</source>
        <translation>全区域</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Thematic maps</source>
        <translation>专题图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dependencies.py"/>
        <source>This feature needs the Python package(s) {modules}, which QGIS's Python lacks. Windows: open the OSGeo4W Shell and run: python -m pip install {pip}. Debian/Ubuntu: sudo apt install {apt}. macOS: run {python} -m pip install {pip}. Then restart QGIS.</source>
        <translation>此功能需要 Python 包 {modules}，但 QGIS 的 Python 环境中没有安装。Windows：打开 OSGeo4W Shell 并运行：python -m pip install {pip}。Debian/Ubuntu：sudo apt install {apt}。macOS：运行 {python} -m pip install {pip}。然后重新启动 QGIS。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>This layer group was not loaded by the plugin.</source>
        <translation>此图层组不是由本插件加载的。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>This river's catchment</source>
        <translation>本河流汇水范围</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Tianditu (needs a key)</source>
        <translation>天地图（需要密钥）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>Tianditu key</source>
        <translation>天地图密钥</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Tianditu key (or the TIANDITU_KEY variable)</source>
        <translation>天地图密钥（或 TIANDITU_KEY 环境变量）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/trace_outputs.py"/>
        <source>Trace coefficients (JSON file overriding the defaults)</source>
        <translation>溯源系数（覆盖默认值的 JSON 文件）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/trace_outputs.py"/>
        <source>Trace every item the section fails in the period</source>
        <translation>溯源断面在该时段的全部超标指标</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_tool.py"/>
        <source>Trace from {0} ({1})</source>
        <translation>从 {0}（{1}）溯源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Trace upstream</source>
        <translation>向上游溯源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Trace upstream from a section</source>
        <translation>从断面向上游溯源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Traced reaches</source>
        <translation>溯源河段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Traced sources</source>
        <translation>溯源污染源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Trend of</source>
        <translation>趋势分析对象</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Trend over several periods (Spearman)</source>
        <translation>多时段变化趋势（Spearman）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Trends</source>
        <translation>变化趋势</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Trends need {0} years of data; this database has {1}</source>
        <translation>趋势分析需要 {0} 年的数据；本数据库只有 {1} 年</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Trends over the years</source>
        <translation>历年变化趋势</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Tributary of: {4} · tributaries: {5}</source>
        <translation>汇入：{4} · 支流：{5} 条</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>UM upstream mainstem</source>
        <translation>UM 上游干流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>UT upstream with tributaries</source>
        <translation>UT 上游（含支流）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Unknown item(s): {items}</source>
        <translation>未知指标：{items}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Update maps</source>
        <translation>更新地图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Upstream mainstem</source>
        <translation>上游干流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_tool.py"/>
        <source>Upstream reaches</source>
        <translation>上游河段</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>Upstream with tributaries</source>
        <translation>上游（含支流）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/plugin.py"/>
        <source>Usage guide</source>
        <translation>使用说明</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Validate database</source>
        <translation>校验数据库</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_algorithms.py"/>
        <source>Validating {0}</source>
        <translation>正在校验 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Value</source>
        <translation>数值</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Warnings</source>
        <translation>预警</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Warnings (none)</source>
        <translation>预警（无）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/warnings_panel.py"/>
        <source>Warnings ({0})</source>
        <translation>预警（{0}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Warnings over every sample since a date (empty: the latest sample of every item of every section), each with its sample's date: items worse than the section's target (exceedance; sections without a target get none), items within the critical share of the target limit (critical), and items that moved at least 10 % in the worse direction and whose class worsened by the class jump or more, or which departed beyond k standard deviations of their recent measured samples (sudden change). Non-detects never warn.</source>
        <translation>对某日期以来的全部样品（留空：每个断面每个指标的最新样品）发出预警，并注明样品日期：劣于断面水质目标的指标（超标；无水质目标的断面不预警）、达到目标限值临界比例的指标（临界），以及向变差方向变化至少 10 % 且类别变差不少于类别跃升数、或偏离其近期实测样品 k 倍标准差以上的指标（突变）。未检出不预警。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Water quality of each river, control unit, water system or district over a period: with 5 or more sections the label by the share of sections per class, with fewer the class of the items averaged over the sections (river and lake sections apart, each with its own limits; a group of lake points always by the item means, the method's lake rule); counts per class and the share of sections meeting their targets.</source>
        <translation>评价时段内各河流、控制单元、水系或区县的水质：断面数不少于 5 个时按各类别断面比例评价，少于 5 个时按各断面指标均值的水质类别评价（河流断面与湖库断面分开，各用其限值；湖库点位组按评价办法的湖库规定始终采用指标均值）；统计各类别断面数及达标断面比例。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>Water system</source>
        <translation>水系</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/river_atlas.py"/>
        <source>Water system: {0}</source>
        <translation>水系：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layer_loading.py"/>
        <source>Water systems and rivers</source>
        <translation>水系与河流</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Water-body type of created sections</source>
        <translation>新建断面的水体类型</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Water-quality change map</source>
        <translation>水质变化图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Water-quality change {0}</source>
        <translation>水质变化 {0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>Water-quality class of every monitoring section over a period (2025, 2025-Q3, 2025-10 or 2025-01-01/2025-06-30; empty: the latest year with data): the mean of each item over the period, single-factor class over the 21 routine items, qualitative label, target met or not, failing items and main pollutants (环办〔2011〕22号). Lakes and reservoirs also get TLI(Σ) and their trophic state (fields tli, trophic_state; lake TN apart in tn_value, tn_class). pH is never averaged: its worst sample counts, with the period's range (ph_min, ph_max) and the samples outside 6–9 (ph_outside). Non-detects count as half the detection limit by default.</source>
        <translation>评价时段内每个监测断面的水质类别（2025、2025-Q3、2025-10 或 2025-01-01/2025-06-30；留空：有数据的最近一年）：各指标的时段均值、21 项常规指标的单因子类别、水质状况定性、是否达标、超标指标和主要污染指标（环办〔2011〕22号）。湖泊和水库另计算 TLI(Σ) 及营养状态（字段 tli、trophic_state；湖库总氮单独列于 tn_value、tn_class）。pH 不取均值：按最差样品计，并给出时段内的范围（ph_min、ph_max）及超出 6～9 的样品（ph_outside）。未检出默认按检出限的一半计。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>Watershed map</source>
        <translation>流域水系图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/map_themes.py"/>
        <source>Watershed river-system map</source>
        <translation>流域水系图</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>Whole area</source>
        <translation>全区域</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Writes web pages from a pollution-source database: one report per key river (header with chiefs, period, overall quality; map with sections by class, sources, drinking-water areas; problems, warnings and projects), an overview of every source and section, and index.html linking them. Give a river code to write that river's report only. Scripts and styles are inlined, so the pages open without internet; offline, a tile basemap is offered but not loaded at start. Tianditu needs your key; Gaode shifts the data to GCJ-02.</source>
        <translation>根据污染源数据库生成网页：每条重点河流一份报告（页眉含河长、时段、总体水质；地图含按类别着色的断面、污染源、饮用水水源保护区；问题清单、预警和治理项目），一份包含全部污染源和断面的总览，以及链接它们的 index.html。给出河流编码则只生成该河流的报告。脚本和样式均内嵌，网页无需联网即可打开；离线模式下提供瓦片底图但启动时不加载。天地图需要您的密钥；高德底图会将数据偏移到 GCJ-02。</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/demo_algorithms.py"/>
        <source>Writing {path}</source>
        <translation>正在写入 {path}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/maps_algorithms.py"/>
        <source>Written files</source>
        <translation>已写出的文件</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>Written: {path}</source>
        <translation>已写出：{path}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Wrote the atlas of {0} rivers to {1}</source>
        <translation>已将 {0} 条河流的图册写入 {1}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock_exports.py"/>
        <source>Wrote {0} files to {1}</source>
        <translation>已向 {1} 写出 {0} 个文件</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <location filename="../../pollution_map_plugin/qgis_desktop/period_picker.py"/>
        <source>Year</source>
        <translation>年</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/import_algorithms.py"/>
        <source>Year of dates without one (monitoring release; default: the file's own date)</source>
        <translation>无年份日期所用年份（自动监测发布数据；默认取文件自带日期）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>Your database role ({0}) cannot change these tables</source>
        <translation>您的数据库角色（{0}）不能修改这些表</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/database_role.py"/>
        <source>Your role: {0}</source>
        <translation>您的角色：{0}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>estimated</source>
        <translation>估算</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>from COD / NH3-N</source>
        <translation>由 COD / NH3-N 推算</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>half the detection limit</source>
        <translation>检出限的一半</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>measured</source>
        <translation>实测</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/about_algorithms.py"/>
        <source>missing</source>
        <translation>缺失</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>no limit</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_input.py"/>
        <source>or PostgreSQL connection (DSN or service=…)</source>
        <translation>或 PostgreSQL 连接（DSN 或 service=…）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/database_input.py"/>
        <source>or PostgreSQL connection saved in QGIS</source>
        <translation>或 QGIS 中已保存的 PostgreSQL 连接</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>or the TIANDITU_KEY environment variable</source>
        <translation>或环境变量 TIANDITU_KEY</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>permitted</source>
        <translation>许可量</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>reaches the section only through a reach without flow direction</source>
        <translation>仅经由无流向河段到达断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>reaches the section through a lake</source>
        <translation>经由湖库到达断面</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/layouts.py"/>
        <source>synthetic demo data</source>
        <translation>合成演示数据</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>the detection limit</source>
        <translation>检出限</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/html_export_dialog.py"/>
        <source>the latest year</source>
        <translation>最近一年</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>zero</source>
        <translation>零</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/dock.py"/>
        <source>{0} is already loaded</source>
        <translation>{0} 已加载</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>{0} sections, {1} meet their target ({2})</source>
        <translation>{0} 个断面，{1} 个达标（{2}）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/tasks.py"/>
        <source>{0}: cancelled</source>
        <translation>{0}：已取消</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>{0}: class {1}, needs {2}; {3}</source>
        <translation>{0}：{1}类，应达 {2} 类；{3}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>{0}: r_s = {1}, N = {2}</source>
        <translation>{0}：r_s = {1}，N = {2}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/district_algorithms.py"/>
        <source>{0}: {1} point(s) whose district attribute differs from their polygon</source>
        <translation>{0}：{1} 个点的区县属性与其所在区县面不一致</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>{0}: {1} sources make up {2} % of the modelled load ({3} with a load of {4} candidates upstream)</source>
        <translation>{0}：{1} 个污染源占模拟负荷的 {2} %（上游 {4} 个候选污染源中 {3} 个有负荷）</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/trace_panel.py"/>
        <source>{0}: {1} upstream reaches, {2} candidate sources</source>
        <translation>{0}：{1} 个上游河段，{2} 个候选污染源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/qgis_desktop/assessment_summary.py"/>
        <source>{0}: ΔG {1}, ΔD {2}, ΔG − ΔD {3}</source>
        <translation>{0}：ΔG {1}，ΔD {2}，ΔG − ΔD {3}</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>{before} → {after}: {n} rows</source>
        <translation>{before} → {after}：{n} 行</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>{n} reaches, {m} sources</source>
        <translation>{n} 个河段，{m} 个污染源</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/html_algorithms.py"/>
        <source>{n} river reports</source>
        <translation>{n} 份河流报告</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/method_algorithms.py"/>
        <source>{n} trends over {first}..{last} ({count} periods)</source>
        <translation>{first}..{last}（{count} 个时段）：{n} 条趋势</translation>
    </message>
    <message>
        <location filename="../../pollution_map_plugin/processing_provider/analysis_algorithms.py"/>
        <source>{n} warnings</source>
        <translation>{n} 条预警</translation>
    </message>
    <message>
        <source>Creates an empty pollution-source GeoPackage with every layer and table of the plugin's schema (CGCS2000, EPSG:4490), spatial indexes and unique natural keys. A PostgreSQL connection string creates the tables in PostGIS.</source>
        <translation type="vanished">创建一个空的污染源 GeoPackage，包含本插件数据库结构中的全部图层和表（CGCS2000，EPSG:4490）、空间索引和自然键唯一约束。给出 PostgreSQL 连接字符串时，则在 PostGIS 中创建这些表。</translation>
    </message>
    <message>
        <source>Database (GeoPackage file or PostgreSQL connection)</source>
        <translation type="vanished">数据库（GeoPackage 文件或 PostgreSQL 连接）</translation>
    </message>
    <message>
        <source>Database (GeoPackage path or PostgreSQL connection)</source>
        <translation type="vanished">数据库（GeoPackage 路径或 PostgreSQL 连接）</translation>
    </message>
    <message>
        <source>Database (GeoPackage)</source>
        <translation type="vanished">数据库（GeoPackage）</translation>
    </message>
    <message>
        <source>Export HTML reports…</source>
        <translation type="vanished">导出 HTML 报告…</translation>
    </message>
    <message>
        <source>Export maps (PNG + PDF)…</source>
        <translation type="vanished">导出专题图（PNG + PDF）…</translation>
    </message>
    <message>
        <source>Imports a CSV (UTF-8, UTF-8 with BOM, GBK or GB18030, detected) or XLSX file into a table of the pollution-source database. Headers may be Chinese or English (企业名称/name, 经度/lon, 纬度/lat, …) or mapped explicitly as 'header=column; header=column'. Coordinates may be decimal or degrees-minutes-seconds in WGS84, CGCS2000, GCJ-02 (Amap, Tencent) or BD-09 (Baidu); they are stored in CGCS2000. Every row is validated; rejected rows go to the rejects file with their line number and reason. The accepted rows are written in one transaction, inserting or updating by the natural key: importing the same file again changes nothing.</source>
        <translation type="vanished">将 CSV（UTF-8、带 BOM 的 UTF-8、GBK 或 GB18030，自动检测）或 XLSX 文件导入污染源数据库的一张表。表头可以是中文或英文（企业名称/name、经度/lon、纬度/lat 等），也可以显式映射为“表头=字段; 表头=字段”。坐标可为十进制或度分秒格式，坐标系可为 WGS84、CGCS2000、GCJ-02（高德、腾讯）或 BD-09（百度），统一存储为 CGCS2000。每一行都会校验；被拒绝的行连同行号和原因写入拒绝文件。通过校验的行在一个事务中按自然键插入或更新：重复导入同一文件不会产生任何变化。</translation>
    </message>
    <message>
        <source>Imports a CSV (UTF-8, UTF-8 with BOM, GBK or GB18030, detected) or XLSX file into a table of the pollution-source database. Headers may be Chinese or English (企业名称/name, 经度/lon, 纬度/lat, …) or mapped explicitly as 'header=column; header=column'. Coordinates may be decimal or degrees-minutes-seconds in WGS84, CGCS2000, GCJ-02 (Amap, Tencent) or BD-09 (Baidu); they are stored in CGCS2000. Every row is validated; rejected rows go to the rejects file with their line number and reason. The accepted rows are written in one transaction, inserting or updating by the natural key: importing the same file again changes nothing. A blank cell keeps the value already stored unless you choose to clear it; the summary counts them. A doubtful encoding guess is refused: then choose the encoding (Big5 included).</source>
        <translation type="vanished">将 CSV（UTF-8、带 BOM 的 UTF-8、GBK 或 GB18030，自动检测）或 XLSX 文件导入污染源数据库的一张表。表头可以是中文或英文（企业名称/name、经度/lon、纬度/lat 等），也可以显式映射为“表头=字段; 表头=字段”。坐标可为十进制或度分秒格式，坐标系可为 WGS84、CGCS2000、GCJ-02（高德、腾讯）或 BD-09（百度），统一存储为 CGCS2000。每一行都会校验；被拒绝的行连同行号和原因写入拒绝文件。通过校验的行在一个事务中按自然键插入或更新：重复导入同一文件不会产生任何变化。空白单元格默认保留已存储的值，也可选择清除；摘要中会统计。编码猜测存疑时拒绝导入：请指定编码（含 Big5）。</translation>
    </message>
    <message>
        <source>Loads the database (a GeoPackage path or a PostgreSQL connection string) into a project of its own, assesses the period (default: the latest year with data) and exports the watershed river-system, monitoring-section, pollution-distribution, problem-water-body and water-quality change maps as A4 print layouts to PNG and PDF.</source>
        <translation type="vanished">将数据库（GeoPackage 路径或 PostgreSQL 连接字符串）加载到独立的工程中，评价指定时段（默认：有数据的最近一年）的水质，并将流域水系图、监测断面图、污染分布图、问题水体图和水质变化图以 A4 打印布局导出为 PNG 和 PDF。</translation>
    </message>
    <message>
        <source>Navigates the river network from a section like the USGS NLDI (UT upstream with tributaries, UM upstream mainstem, DM downstream mainstem) within a distance (0 = unlimited) and lists the reaches, the pollution sources discharging into them ranked by distance and load, and the control units.</source>
        <translation type="vanished">仿照 USGS NLDI，从一个断面出发在河网中追踪（UT 上游含支流、UM 上游干流、DM 下游干流），可限定距离（0 = 不限），列出途经河段、向这些河段排放的污染源（按距离和负荷排序）以及控制单元。</translation>
    </message>
    <message>
        <source>No database given.</source>
        <translation type="vanished">未指定数据库。</translation>
    </message>
    <message>
        <source>Warnings (latest samples)</source>
        <translation type="vanished">预警（最新样本）</translation>
    </message>
    <message>
        <source>Warnings from the latest sample of every section: items worse than the section's target (exceedance), items within the critical share of the target limit (critical), and items whose class worsened by the class jump or more, or which moved beyond k standard deviations of their recent samples (sudden change).</source>
        <translation type="vanished">根据每个断面的最新样本生成预警：劣于断面水质目标的项目（超标），达到目标限值临界比例的项目（临界），以及类别恶化达到跃升数或超出近期样本 k 倍标准差的项目（突变）。</translation>
    </message>
    <message>
        <source>Water quality of each river, control unit, water system or district over a period: with 5 or more sections the label by the share of sections per class, with fewer the class of the items averaged over the sections; counts per class and the share of sections meeting their targets.</source>
        <translation type="vanished">评价一个时段内每条河流、控制单元、水系或区县的水质：断面数不少于 5 个时按各类别断面比例定性，少于 5 个时按各断面项目均值定类；并统计各类别断面数和达标断面比例。</translation>
    </message>
    <message>
        <source>Water-quality class of every monitoring section over a period (2025, 2025-Q3, 2025-10 or 2025-01-01/2025-06-30; empty: the latest year with data): the mean of each item over the period, single-factor class over the 21 routine items, qualitative label, target met or not, failing items and main pollutants (环办〔2011〕22号). Non-detects count as half the detection limit by default.</source>
        <translation type="vanished">评价一个时段内（2025、2025-Q3、2025-10 或 2025-01-01/2025-06-30；留空：有数据的最近一年）每个监测断面的水质类别：各项目时段均值、21 项常规项目的单因子类别、定性评价、是否达标、超标项目和主要污染物（环办〔2011〕22号）。未检出默认按检出限的一半计。</translation>
    </message>
</context>
</TS>
