"""The Processing provider: algorithms over the core for the toolbox and qgis_process."""
