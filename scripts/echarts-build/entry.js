// The custom ECharts build served as ocop/static/vendor/echarts/echarts.min.js (window.echarts).
// Only what the pages draw (issue 17: the full build was 368 KB compressed, this one ~220 KB):
//   ocop/static/js/charts.js             bar charts of a consolidated report (title, tooltip, grid,
//                                        category/value axes, dataZoom slider + inside)
//   ocop/geo/static/geo/ocop-map.js      province choropleth: geo + map series, scatter labels of the
//                                        islands, visualMap (continuous and piecewise), tooltip, title
//   ocop/catalogue/static/catalogue/catalogue.js   stacked bars with a scrolling legend
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
