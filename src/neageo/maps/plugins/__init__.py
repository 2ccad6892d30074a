"""neageo's map features as folium plugins: each works on any ``folium.Map``.

Each is a ``MacroElement`` with its own inlined JavaScript/CSS (``assets/js``, ``assets/css``) and a
documented JSON payload (``assets/contract.json``); in the page they share one hub per map,
``neageo.hub(map)``, through which they see each other's features, language and time.

>>> import folium
>>> from neageo.maps.plugins import Labels, Language, Search
>>> m = folium.Map(tiles=None)
>>> _ = Labels().add_to(m); _ = Search().add_to(m); _ = Language("zh").add_to(m)
"""

from .base import InlineAsset, NeageoLayer, NeageoPlugin, Raw
from .credits import Credits
from .frame import Frame
from .hashstate import HashState
from .labels import Labels
from .language import Language
from .layercontrol import LayerControl
from .legend import Legend
from .packed import Arcs, PackedLayer
from .search import Search
from .story import Story
from .timecontrol import TimeControl
from .title import Title

__all__ = ["Arcs", "PackedLayer", "Labels", "Language", "TimeControl", "Search", "HashState", "Legend", "Credits",
           "Title", "Frame", "LayerControl", "Story", "NeageoPlugin", "NeageoLayer", "Raw", "InlineAsset"]
