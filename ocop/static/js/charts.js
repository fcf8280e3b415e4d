/*
 * Bar charts of a consolidated report on Apache ECharts (full build, vendored:
 * {% static 'vendor/echarts/echarts.min.js' %} must be loaded before this file).
 * Plain ES2017, no build step, no inline script: the Content-Security-Policy forbids inline JS, so
 * the figures come from a <script type="application/json" id="..."> written by Django's json_script.
 *
 * HTML (drawn on DOMContentLoaded and on htmx:load):
 *   <select data-chart-select="DATA_ID"><option value="FIELD_CODE">…</option></select>
 *   <div class="ocop-chart" data-chart-source="DATA_ID" data-chart-kind="unit|region"
 *        data-height="420"></div>
 *   {{ data|json_script:"DATA_ID" }}
 * DATA: {fields: [{code, label, type}], default: "CODE", units: ["Bắc Kạn", …],
 *        values: {CODE: [number|null per unit]}, regions: ["Tây Nguyên", …],
 *        region_values: {CODE: [number|null per region]}, labels: {unit, region, average}}
 * Percentages are never summed: the region values of a percent field are averages (so labelled).
 * Changing the select redraws every chart of the same DATA_ID. A drawn element gets
 * data-rendered="1" and data-field="CODE"; without ECharts, data-rendered="error".
 *
 * JavaScript: OcopCharts.autoRender(root), OcopCharts.draw(element, code), OcopCharts.formatNumber(n)
 */
(function (window, document) {
  'use strict';

  var COLORS = {unit: '#2e7d32', region: '#1565c0'};
  var drawn = []; // {el, chart}

  function formatNumber(value, decimals) {
    if (value === null || value === undefined || value === '' || isNaN(Number(value))) {
      return '';
    }
    var n = Number(value);
    var d = decimals === undefined ? (Math.round(n) === n ? 0 : 1) : decimals;
    var neg = n < 0;
    var parts = Math.abs(n).toFixed(d).split('.');
    var intPart = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    var frac = parts[1] ? parts[1].replace(/0+$/, '') : '';
    return (neg ? '-' : '') + intPart + (frac ? ',' + frac : '');
  }

  function shortNumber(value) {
    var n = Math.abs(Number(value));
    if (n >= 1e9) { return formatNumber(value / 1e9, 1) + ' tỷ'; }
    if (n >= 1e6) { return formatNumber(value / 1e6, 1) + ' tr'; }
    return formatNumber(value);
  }

  var cache = {};
  function readData(id) {
    if (!(id in cache)) {
      var el = document.getElementById(id);
      try {
        cache[id] = el ? JSON.parse(el.textContent) : null;
      } catch (e) {
        cache[id] = null;
      }
    }
    return cache[id];
  }

  function fieldOf(data, code) {
    for (var i = 0; i < data.fields.length; i++) {
      if (data.fields[i].code === code) { return data.fields[i]; }
    }
    return data.fields[0];
  }

  function option(data, kind, field) {
    var percent = field.type === 'percent';
    var names = kind === 'region' ? data.regions : data.units;
    var values = (kind === 'region' ? data.region_values : data.values)[field.code] || [];
    var labels = data.labels || {};
    var suffix = percent ? ' %' : '';
    var title = field.label + ' — ' + (kind === 'region' ? labels.region : labels.unit) +
      (percent && kind === 'region' ? ' (' + labels.average + ')' : '');
    var many = names.length > 70;
    var opt = {
      animation: false,
      title: {text: title, left: 'center', textStyle: {fontSize: 13, fontWeight: 'bold', width: 560, overflow: 'break'}},
      grid: {left: 70, right: 20, top: 56, bottom: kind === 'region' ? 70 : (many ? 120 : 100)},
      tooltip: {
        trigger: 'axis', axisPointer: {type: 'shadow'},
        formatter: function (items) {
          var p = items[0];
          return p.name + ': ' + (p.value === null || p.value === undefined ? '—' : formatNumber(p.value) + suffix);
        }
      },
      xAxis: {
        type: 'category', data: names,
        axisLabel: {interval: many ? 'auto' : 0, rotate: kind === 'region' ? 20 : 60, fontSize: 10,
                    width: kind === 'region' ? 120 : 90, overflow: 'truncate'}
      },
      yAxis: {type: 'value', axisLabel: {formatter: function (v) { return shortNumber(v) + suffix; }}},
      series: [{
        type: 'bar', name: field.label, data: values, itemStyle: {color: COLORS[kind] || COLORS.unit},
        label: kind === 'region' ? {show: true, position: 'top', fontSize: 10,
                                    formatter: function (p) { return shortNumber(p.value) + suffix; }} : {show: false}
      }]
    };
    if (many) {
      opt.dataZoom = [{type: 'slider', bottom: 8, height: 18}, {type: 'inside'}];
    }
    return opt;
  }

  function draw(el, code) {
    var data = readData(el.getAttribute('data-chart-source'));
    if (!data || !data.fields || !data.fields.length) { return null; }
    if (!window.echarts) {
      el.setAttribute('data-rendered', 'error');
      return null;
    }
    var field = fieldOf(data, code || el.getAttribute('data-field') || data['default']);
    if (!el.style.height) { el.style.height = (el.getAttribute('data-height') || '400') + 'px'; }
    var chart = window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, {renderer: 'canvas'});
    chart.setOption(option(data, el.getAttribute('data-chart-kind') || 'unit', field), true);
    el.setAttribute('data-field', field.code);
    el.setAttribute('data-rendered', '1');
    el.setAttribute('aria-label', field.label);
    if (drawn.every(function (d) { return d.el !== el; })) { drawn.push({el: el, chart: chart}); }
    return chart;
  }

  function autoRender(root) {
    (root || document).querySelectorAll('.ocop-chart[data-chart-source]').forEach(function (el) {
      var select = document.querySelector('[data-chart-select="' + el.getAttribute('data-chart-source') + '"]');
      draw(el, select ? select.value : null);
    });
  }

  document.addEventListener('change', function (event) {
    var target = event.target;
    if (!target || !target.matches || !target.matches('[data-chart-select]')) { return; }
    var source = target.getAttribute('data-chart-select');
    document.querySelectorAll('.ocop-chart[data-chart-source="' + source + '"]').forEach(function (el) {
      draw(el, target.value);
    });
  });
  window.addEventListener('resize', function () {
    drawn.forEach(function (d) { d.chart.resize(); });
  });
  document.addEventListener('DOMContentLoaded', function () { autoRender(document); });
  document.addEventListener('htmx:load', function (event) { autoRender(event.target); });

  window.OcopCharts = {autoRender: autoRender, draw: draw, formatNumber: formatNumber};
})(window, document);
