// The custom ECharts build served as ocop/static/vendor/echarts/echarts.min.js (window.echarts).
// Since issue 17 no page loads it at first: every map and chart is SVG drawn on the server
// (ocop/geo/svgmap.py, ocop/lib/svgcharts.py). It is loaded only on demand, by the button
// "Bản đồ tương tác" of the catalogue map (ocop/geo/static/geo/map-on-demand.js), for
//   ocop/geo/static/geo/ocop-map.js      province choropleth: geo + map series, scatter labels of the
//                                        islands, visualMap (continuous and piecewise), tooltip, title
// Bar series, grid, legend and dataZoom are still in the build (the former chart scripts); a map-only
// build would be 194 KB gzip instead of 227 KB (not rebuilt: it changes nothing in a first visit).
// Canvas renderer (every page), SVG renderer (ocop-map.js data-renderer="svg").
// window.echarts has only the functions below (the scripts and the browser tests use init,
// getInstanceByDom and registerMap). A chart type or component missing here makes ECharts log
// "Component X is used but not imported": add it below and rebuild (bash scripts/vendor_static.sh).
import {
  init, use, registerMap, getMap, getInstanceByDom, getInstanceById, dispose, connect, disconnect,
  registerTheme, version,
} from 'echarts/core';
import { BarChart, MapChart, ScatterChart } from 'echarts/charts';
import {
  TitleComponent,
  TooltipComponent,
  GridComponent,
  GeoComponent,
  VisualMapComponent,
  LegendComponent,
  DataZoomComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

use([
  BarChart, MapChart, ScatterChart,
  TitleComponent, TooltipComponent, GridComponent, GeoComponent, VisualMapComponent,
  LegendComponent, DataZoomComponent,
  CanvasRenderer, SVGRenderer,
]);

export {
  init, use, registerMap, getMap, getInstanceByDom, getInstanceById, dispose, connect, disconnect,
  registerTheme, version,
};
