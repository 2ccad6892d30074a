"""The builder: committed sources -> layers -> the GeoPackage.

One module per layer family (:mod:`.boundaries`, :mod:`.hydro`,
:mod:`.borders`, ...), :mod:`.sources` for checked reading, :mod:`.writer` for
the atomic GeoPackage write and :mod:`.pipeline` tying them together.
"""
