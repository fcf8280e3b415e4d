/*
 * "Bản đồ tương tác": the interactive ECharts map, loaded only when asked for (issue 17: ECharts is
 * 227 KB gzip, over the 150 KB budget of a first visit; the page shows the server-rendered SVG map).
 *
 *   <button type="button" data-interactive-map="ID" data-scripts="/static/…/echarts.min.js /static/geo/ocop-map.js"
 *           data-replaces="SVG_FIGURE_ID">Bản đồ tương tác</button>
 *   <div class="ocop-map" id="ID" hidden data-geojson-url=… data-values=…></div>   (ocop-map.js attributes)
 *
 * A click shows the element, hides the SVG map, and loads the scripts in order; ocop-map.js draws
 * every .ocop-map when it loads. No inline script (CSP).
 */
(function (document) {
  'use strict';
  document.addEventListener('click', function (evt) {
    var btn = evt.target.closest ? evt.target.closest('[data-interactive-map]') : null;
    if (!btn) { return; }
    evt.preventDefault();
    var target = document.getElementById(btn.getAttribute('data-interactive-map'));
    if (!target) { return; }
    target.hidden = false;
    var replaced = document.getElementById(btn.getAttribute('data-replaces') || '');
    if (replaced) { replaced.hidden = true; }
    btn.hidden = true;
    if (window.OcopMap) { window.OcopMap.autoRender(target.parentNode); return; }
    (btn.getAttribute('data-scripts') || '').split(/\s+/).filter(Boolean).forEach(function (src) {
      var s = document.createElement('script');
      s.src = src;
      s.async = false;  // in order: ECharts, then the map
      document.head.appendChild(s);
    });
  });
}(document));
