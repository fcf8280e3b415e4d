/*
 * Charts of the public catalogue's statistics page, on Apache ECharts (vendored full build, loaded
 * before this file). Plain ES2017, no build step, no inline script (the Content-Security-Policy
 * forbids it): the figures come from <script type="application/json" id="..."> written by Django's
 * json_script, and every chart has the same figures as a table next to it.
 *
 * HTML: <div class="catalogue-chart" data-chart-source="DATA_ID"></div>
 * DATA: {title, categories: ["2019", …], series: [{name, data: [n per category]}], horizontal: bool}
 * The series are stacked bars. A drawn element gets data-rendered="1" and data-series="N";
 * without ECharts, data-rendered="error" (the table stays).
 */
(function (window, document) {
  'use strict';

  var PALETTE = ['#2e7d32', '#f9a825', '#c62828', '#1565c0', '#6a1b9a', '#00838f', '#ef6c00', '#5d4037'];
  var charts = [];

  function formatNumber(value) {
    if (value === null || value === undefined || isNaN(Number(value))) { return ''; }
    return String(Math.round(Number(value))).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }

  function readData(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function option(data) {
    var horizontal = !!data.horizontal;
    var category = {type: 'category', data: data.categories,
                    axisLabel: {interval: 0, fontSize: 11}};
    var value = {type: 'value', minInterval: 1, axisLabel: {formatter: formatNumber}};
    if (horizontal) { category.inverse = true; }
    return {
      animation: false,
      color: PALETTE,
      title: {text: data.title, left: 'center', top: 4, textStyle: {fontSize: 14}},
      tooltip: {trigger: 'axis', axisPointer: {type: 'shadow'}, valueFormatter: formatNumber},
      legend: {top: 30, type: 'scroll'},
      grid: {left: horizontal ? 130 : 50, right: 20, top: 64, bottom: 30, containLabel: false},
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: (data.series || []).map(function (s) {
        return {type: 'bar', name: s.name, stack: 'total', data: s.data, emphasis: {focus: 'series'}};
      })
    };
  }

  function draw(el) {
    var data = readData(el.getAttribute('data-chart-source'));
    if (!data) { return; }
    if (!window.echarts) { el.setAttribute('data-rendered', 'error'); return; }
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, {renderer: 'canvas'});
    chart.setOption(option(data), true);
    el.setAttribute('data-series', String((data.series || []).length));
    el.setAttribute('data-rendered', '1');
    if (charts.indexOf(chart) < 0) { charts.push(chart); }
  }

  function autoRender(root) {
    (root || document).querySelectorAll('.catalogue-chart[data-chart-source]').forEach(draw);
  }

  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { autoRender(document); });
  } else {
    autoRender(document);
  }
  window.OcopCatalogueCharts = {autoRender: autoRender};
}(window, document));
