def test_dbg(qgis_processing):
    from qgis.core import QgsApplication
    reg = QgsApplication.processingRegistry()
    print("\nproviders:", [(p.id(), type(p).__name__) for p in reg.providers()])
    p = reg.providerById("pollutionmap")
    print("by id:", p)
    if p is not None:
        print("remove:", reg.removeProvider(p))
        print("after:", reg.providerById("pollutionmap"), [(q.id(), type(q).__name__) for q in reg.providers()])
