/*
 * OCOP province map (choropleth) on Apache ECharts (full build, vendored:
 * {% static 'vendor/echarts/echarts.min.js' %} must be loaded before this file).
 * Plain ES2017, no build step, no modules.
 *
 * JavaScript:
 *   OcopMap.render(element, {
 *     geojsonUrl: "/static/geo/provinces-current.geojson",   // required
 *     values: {"06": 12, "48": 1234},      // by official 2-digit province code
 *     valueLabel: "Số sản phẩm",
 *     title: "Sản phẩm OCOP theo tỉnh",     // optional chart title (also the aria-label)
 *     onClick: function (code, name) {},   // optional
 *     formatter: function (value, code, name) { return "..." },  // optional: value text in tooltip
 *     names: {"46": "Thừa Thiên Huế"},     // optional: override the GeoJSON names
 *     visualMap: "continuous" | "piecewise",   // default continuous
 *     pieces: [{min: 0, max: 9}, {min: 10}],   // optional, piecewise only
 *     min: 0, max: 100,                         // optional colour scale bounds
 *     colors: ["#e5f5e0", "#31a354"],          // optional colour ramp
 *     height: "520px",                         // used when the element has no height
 *     roam: false, renderer: "canvas" | "svg",
 *     bounds: [[102, 23.5], [117.5, 6.5]]       // default view [[west, north], [east, south]]
 *   }) -> Promise resolving to the ECharts instance
 *   OcopMap.setValues(element, values)       // recolour an already drawn map
 *   OcopMap.autoRender(root)                 // render every .ocop-map inside root (default document)
 *   OcopMap.formatNumber(1234567.5) === "1.234.567,5"
 *
 * HTML (auto-rendered on DOMContentLoaded and on htmx:load):
 *   <div class="ocop-map" data-geojson-url="..." data-values='{"06":3}'
 *        data-value-label="Số sản phẩm" data-title="..." data-link-template="/province/{code}/"></div>
 *   Optional: data-values-from="ID" (id of a <script type="application/json"> element, e.g. from
 *   Django's json_script filter), data-names='{...}', data-visual-map="piecewise", data-pieces='[...]', data-min,
 *   data-max, data-height, data-roam="true", data-renderer="svg".
 *   {code} and {name} in data-link-template are replaced; a click navigates there.
 *
 * When drawn the element gets data-rendered="1" and data-province-count="N" (features in the
 * GeoJSON); on failure data-rendered="error". The GeoJSON features carry properties.code and
 * properties.name; properties.label_islands ([{name, coord: [lon, lat]}]) is drawn as a label
 * (Hoàng Sa, Trường Sa).
 */
(function (window, document) {
  'use strict';

  // Vietnam including the Hoàng Sa and Trường Sa archipelagos: [[west, north], [east, south]].
  var VIETNAM_BOUNDS = [[102.0, 23.5], [117.5, 6.5]];
  var NO_DATA_COLOR = '#e6e6e6';
  var DEFAULT_COLORS = ['#f7fcb9', '#addd8e', '#41ab5d', '#006837'];

  var geoCache = {}; // url -> Promise<{mapName, names, count, islands}>
  var mapSeq = 0;

  function formatNumber(value, decimals) {
    if (value === null || value === undefined || value === '' || isNaN(Number(value))) {
      return '';
    }
    var n = Number(value);
    var d = decimals === undefined ? (Math.round(n) === n ? 0 : 2) : decimals;
    var neg = n < 0;
    var parts = Math.abs(n).toFixed(d).split('.');
    var intPart = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, '.');
    var frac = parts[1] ? parts[1].replace(/0+$/, '') : '';
    return (neg ? '-' : '') + intPart + (frac ? ',' + frac : '');
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c];
    });
  }

  function loadGeo(url) {
    if (!geoCache[url]) {
      geoCache[url] = fetch(url, {credentials: 'same-origin'})
        .then(function (resp) {
          if (!resp.ok) { throw new Error('HTTP ' + resp.status + ' ' + url); }
          return resp.json();
        })
        .then(function (geojson) {
          var mapName = 'ocop-map-' + (++mapSeq);
          var names = {};
          var islands = [];
          (geojson.features || []).forEach(function (f) {
            var p = f.properties || {};
            names[p.code] = p.name;
            (p.label_islands || []).forEach(function (isl) {
              islands.push({name: isl.name, province: p.name, value: isl.coord});
            });
          });
          window.echarts.registerMap(mapName, geojson);
          return {mapName: mapName, names: names, count: (geojson.features || []).length,
                  islands: islands};
        });
      geoCache[url].catch(function () { delete geoCache[url]; });
    }
    return geoCache[url];
  }

  function seriesData(values) {
    var data = [];
    Object.keys(values || {}).forEach(function (code) {
      var v = values[code];
      if (v !== null && v !== undefined && v !== '' && !isNaN(Number(v))) {
        data.push({name: String(code), value: Number(v)});
      }
    });
    return data;
  }

  function visualMapOption(opts, data) {
    var nums = data.map(function (d) { return d.value; });
    var min = opts.min !== undefined ? Number(opts.min) : Math.min.apply(null, nums.concat([0]));
    var max = opts.max !== undefined ? Number(opts.max) : Math.max.apply(null, nums.concat([1]));
    if (max <= min) { max = min + 1; }
    var vm = {
      min: min, max: max, left: 10, bottom: 10, seriesIndex: 0,
      inRange: {color: opts.colors || DEFAULT_COLORS},
      textStyle: {fontSize: 11}
    };
    if (opts.visualMap === 'piecewise') {
      vm.type = 'piecewise';
      if (opts.pieces) {
        // ECharts leaves a value equal to the bound of an open-ended {min: x} piece out of range:
        // state such bounds as gte/lte, which it honours.
        vm.pieces = opts.pieces.map(function (p) {
          var q = {};
          Object.keys(p).forEach(function (k) { q[k] = p[k]; });
          if (q.min !== undefined && q.max === undefined && q.gt === undefined && q.gte === undefined) {
            q.gte = q.min; delete q.min;
          }
          if (q.max !== undefined && q.min === undefined && q.lt === undefined && q.lte === undefined) {
            q.lte = q.max; delete q.max;
          }
          return q;
        });
      } else {
        vm.splitNumber = 5;
        if (Math.round(max) === max && Math.round(min) === min) { vm.precision = 0; }
      }
      vm.formatter = function (a, b) {
        if (b === undefined || b === null) { return formatNumber(a); }
        if (b === Infinity) { return '≥ ' + formatNumber(a); }
        if (a === -Infinity) { return '≤ ' + formatNumber(b); }
        return formatNumber(a) + ' – ' + formatNumber(b);
      };
    } else {
      vm.type = 'continuous';
      vm.calculable = true;
      vm.itemHeight = 120;
      vm.formatter = function (v) { return formatNumber(Math.round(v)); };
    }
    return vm;
  }

  function regionName(opts, geo, code) {
    return (opts.names && opts.names[code]) || geo.names[code] || code;
  }

  function buildOption(opts, geo) {
    var data = seriesData(opts.values);
    var valueLabel = opts.valueLabel || 'Giá trị';
    var values = {};
    data.forEach(function (d) { values[d.name] = d.value; });
    var names = {};
    Object.keys(geo.names).forEach(function (code) { names[code] = regionName(opts, geo, code); });
    // Every region gets a data item (NaN = no value) so that hover and click report its code.
    var allData = data.slice();
    Object.keys(names).forEach(function (code) {
      if (!values.hasOwnProperty(code)) { allData.push({name: code, value: NaN}); }
    });

    function tooltip(params) {
      if (params.seriesType === 'scatter') { return ''; }
      var code = params.name;
      var name = names[code] || code;
      var v = values.hasOwnProperty(code) ? values[code] : null;
      var text;
      if (v === null) {
        text = 'Chưa có số liệu';
      } else if (opts.formatter) {
        text = opts.formatter(v, code, name);
      } else {
        text = formatNumber(v);
      }
      return '<strong>' + escapeHtml(name) + '</strong><br>' + escapeHtml(valueLabel) + ': ' +
        escapeHtml(text);
    }

    return {
      title: opts.title ? {text: opts.title, left: 'center', top: 4, textStyle: {fontSize: 15}} : undefined,
      tooltip: {trigger: 'item', formatter: tooltip},
      visualMap: visualMapOption(opts, data),
      geo: {
        map: geo.mapName,
        nameProperty: 'code',
        roam: !!opts.roam,
        boundingCoords: opts.bounds || VIETNAM_BOUNDS,
        aspectScale: 0.95,  // ~cos(latitude) for Vietnam; ECharts' default 0.75 squashes it
        top: opts.title ? 36 : 10, bottom: 10, left: 10, right: 10,
        itemStyle: {areaColor: NO_DATA_COLOR, borderColor: '#8c8c8c', borderWidth: 0.5},
        emphasis: {label: {show: false}, itemStyle: {areaColor: '#ffd54f'}},
        select: {disabled: true},
        label: {show: false},
        tooltip: {show: true},
        triggerEvent: true
      },
      series: [
        {
          type: 'map', geoIndex: 0, nameProperty: 'code', name: valueLabel, data: allData,
          // colour of regions without a value (else ECharts uses the palette colour)
          itemStyle: {color: NO_DATA_COLOR}
        },
        {
          type: 'scatter', coordinateSystem: 'geo', silent: true, symbolSize: 0,
          tooltip: {show: false},
          label: {
            show: true, position: 'inside', color: '#555', fontSize: 10, lineHeight: 12,
            fontStyle: 'italic', align: 'center',
            formatter: function (p) { return p.data.name + '\n(' + p.data.province + ')'; }
          },
          data: geo.islands
        }
      ]
    };
  }

  function setStatus(el, text) {
    var p = document.createElement('p');
    p.className = 'ocop-map-status';
    p.textContent = text;
    el.appendChild(p);
  }

  function render(el, options) {
    var opts = options || {};
    if (!window.echarts) {
      el.setAttribute('data-rendered', 'error');
      setStatus(el, 'Không tải được thư viện bản đồ (ECharts).');
      return Promise.reject(new Error('echarts is not loaded'));
    }
    if (!opts.geojsonUrl) {
      el.setAttribute('data-rendered', 'error');
      return Promise.reject(new Error('OcopMap: geojsonUrl is required'));
    }
    var label = opts.title ||
      ('Bản đồ theo tỉnh, thành phố' + (opts.valueLabel ? ': ' + opts.valueLabel : ''));
    el.setAttribute('role', 'img');
    el.setAttribute('aria-label', label);
    el.setAttribute('data-rendered', '0');
    if (!el.clientHeight) { el.style.height = opts.height || '520px'; }

    return loadGeo(opts.geojsonUrl).then(function (geo) {
      var old = window.echarts.getInstanceByDom(el);
      if (old) { old.dispose(); }
      var chart = window.echarts.init(el, null, {renderer: opts.renderer || 'canvas'});
      chart.setOption(buildOption(opts, geo));
      chart.on('click', function (params) {
        if (params.seriesType === 'scatter' || !params.name || !opts.onClick) { return; }
        if (params.componentType !== 'series' && params.componentType !== 'geo') { return; }
        opts.onClick(params.name, regionName(opts, geo, params.name));
      });
      if (!el._ocopResize) {
        el._ocopResize = function () {
          var c = window.echarts.getInstanceByDom(el);
          if (c) { c.resize(); }
        };
        window.addEventListener('resize', el._ocopResize);
        if (window.ResizeObserver) { new window.ResizeObserver(el._ocopResize).observe(el); }
      }
      el._ocopMap = {options: opts, geo: geo};
      el.setAttribute('aria-label', label);  // ECharts must not replace our label
      el.setAttribute('data-province-count', String(geo.count));
      el.setAttribute('data-rendered', '1');
      return chart;
    }).catch(function (err) {
      el.setAttribute('data-rendered', 'error');
      setStatus(el, 'Không tải được bản đồ.');
      if (window.console) { window.console.error('OcopMap:', err); }
      throw err;
    });
  }

  function setValues(el, values) {
    var state = el._ocopMap;
    var chart = window.echarts && window.echarts.getInstanceByDom(el);
    if (!state || !chart) { return; }
    state.options.values = values;
    chart.setOption(buildOption(state.options, state.geo), {replaceMerge: ['series', 'visualMap']});
  }

  function parseJson(text, what, el) {
    if (!text) { return undefined; }
    try {
      return JSON.parse(text);
    } catch (e) {
      if (window.console) { window.console.error('OcopMap: bad JSON in ' + what, el, e); }
      return undefined;
    }
  }

  function optionsFromData(el) {
    var ds = el.dataset;
    var values = parseJson(ds.values, 'data-values', el);
    if (ds.valuesFrom) {
      var src = document.getElementById(ds.valuesFrom);
      if (src) { values = parseJson(src.textContent, '#' + ds.valuesFrom, el); }
    }
    var opts = {
      geojsonUrl: ds.geojsonUrl,
      values: values || {},
      valueLabel: ds.valueLabel,
      title: ds.title,
      names: parseJson(ds.names, 'data-names', el),
      visualMap: ds.visualMap,
      pieces: parseJson(ds.pieces, 'data-pieces', el),
      height: ds.height,
      roam: ds.roam === 'true',
      renderer: ds.renderer
    };
    if (ds.min !== undefined && ds.min !== '') { opts.min = Number(ds.min); }
    if (ds.max !== undefined && ds.max !== '') { opts.max = Number(ds.max); }
    if (ds.linkTemplate) {
      var tpl = ds.linkTemplate;
      opts.onClick = function (code, name) {
        window.location.href = tpl.replace(/\{code\}/g, encodeURIComponent(code))
          .replace(/\{name\}/g, encodeURIComponent(name));
      };
    }
    return opts;
  }

  function autoRender(root) {
    var scope = root && root.querySelectorAll ? root : document;
    var els = Array.prototype.slice.call(scope.querySelectorAll('.ocop-map'));
    if (scope.classList && scope.classList.contains('ocop-map')) { els.unshift(scope); }
    els.forEach(function (el) {
      if (el.hasAttribute('data-rendered')) { return; }
      render(el, optionsFromData(el)).catch(function () { /* shown in the element */ });
    });
  }

  window.OcopMap = {
    render: render,
    setValues: setValues,
    autoRender: autoRender,
    formatNumber: formatNumber
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { autoRender(document); });
  } else {
    autoRender(document);
  }
  document.addEventListener('htmx:load', function (evt) { autoRender(evt.target); });
}(window, document));
