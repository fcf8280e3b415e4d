/*
 * The analytics page's bar chart (ocop/templates/analytics/pivot.html) on the vendored ECharts build
 * ({% static 'vendor/echarts/echarts.min.js' %} loaded first; the custom build has bar, map and scatter).
 * Plain ES2017, no inline script (CSP): the figures come from <script type="application/json">
 * written by Django's json_script.
 *
 * HTML: <div class="analytics-chart" data-source="DATA_ID" data-height="360"></div>
 * DATA: {categories: [label…], series: [{name, values: [number|null…]}], stack: bool, unit, title}
 * A drawn element gets data-rendered="1" and data-series="N"; without ECharts data-rendered="error".
 */
(function (window, document) {
  'use strict';

  var COLORS = ['#2e7d32', '#1565c0', '#ef6c00', '#6a1b9a', '#c62828', '#00838f', '#5d4037', '#9e9d24', '#ad1457'];

  function formatNumber(value) {
    if (value === null || value === undefined || isNaN(Number(value))) { return '—'; }
    var n = Number(value);
    var parts = Math.abs(n).toFixed(Math.round(n) === n ? 0 : 1).split('.');
    return (n < 0 ? '-' : '') + parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.') + (parts[1] ? ',' + parts[1] : '');
  }

  function draw(el) {
    var source = document.getElementById(el.getAttribute('data-source'));
    if (!window.echarts || !source) { el.setAttribute('data-rendered', 'error'); return; }
    var data;
    try { data = JSON.parse(source.textContent); } catch (e) { el.setAttribute('data-rendered', 'error'); return; }
    if (!el.style.height) { el.style.height = (el.getAttribute('data-height') || '360') + 'px'; }
    var narrow = el.clientWidth < 500;
    var chart = window.echarts.init(el, null, {renderer: 'svg'});
    chart.setOption({
      color: COLORS,
      title: {text: data.title, left: 0, textStyle: {fontSize: 13}},
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'},
                valueFormatter: function (v) { return formatNumber(v) + ' ' + (data.unit || ''); }},
      legend: data.series.length > 1 ? {type: 'scroll', bottom: 0} : undefined,
      grid: {left: 8, right: 8, top: 40, bottom: data.series.length > 1 ? 60 : 30, containLabel: true},
      xAxis: {type: 'category', data: data.categories, axisLabel: {rotate: narrow || data.categories.length > 8 ? 45 : 0}},
      yAxis: {type: 'value', axisLabel: {formatter: formatNumber}},
      dataZoom: data.categories.length > 12 ? [{type: 'inside'}, {type: 'slider', height: 16, bottom: 24}] : undefined,
      series: data.series.map(function (s) {
        return {name: s.name, type: 'bar', stack: data.stack ? 'total' : undefined, data: s.values};
      })
    });
    el.setAttribute('data-rendered', '1');
    el.setAttribute('data-series', String(data.series.length));
    window.addEventListener('resize', function () { chart.resize(); });
  }

  function autoRender(root) {
    Array.prototype.forEach.call((root || document).querySelectorAll('.analytics-chart:not([data-rendered])'), draw);
  }

  window.OcopAnalytics = {autoRender: autoRender, formatNumber: formatNumber};
  document.addEventListener('DOMContentLoaded', function () { autoRender(document); });
  document.addEventListener('htmx:load', function (e) { autoRender(e.target); });
})(window, document);
