// Apache ECharts, bundled (only the parts used: bar, funnel and line charts, SVG renderer, so the
// chart is text a screen reader and a test can read, and there is no canvas to label).
import * as echarts from "echarts/core";
import { BarChart, FunnelChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, FunnelChart, LineChart, GridComponent, LegendComponent, TooltipComponent,
             SVGRenderer]);

const PALETTE = ["#1d4ed8", "#0f766e", "#7c3aed", "#b45309", "#15803d", "#b91c1c", "#475569"];

/** The container is one image whose label carries every number (ECharts' own aria text is
 *  turned off: it would replace this label with a generic description). */
function mount(el: HTMLElement, label: string): echarts.ECharts {
  el.setAttribute("role", "img");
  el.setAttribute("aria-label", label);
  const chart = echarts.init(el, undefined, { renderer: "svg", height: 280 });
  window.addEventListener("resize", () => chart.resize());
  return chart;
}

export function funnelChart(el: HTMLElement, label: string,
                            stages: { name: string; value: number }[]): void {
  mount(el, `${label}: ${stages.map((s) => `${s.name} ${s.value}`).join(", ")}`).setOption({
    animation: false, color: PALETTE, aria: { enabled: false },
    tooltip: { trigger: "item" },
    series: [{ type: "funnel", sort: "none", minSize: "8%", left: "10%", width: "80%",
               label: { show: true, position: "inside", formatter: "{b}: {c}", color: "#fff" },
               data: stages }],
  });
}

export function barChart(el: HTMLElement, label: string,
                         bars: { name: string; value: number }[]): void {
  mount(el, `${label}: ${bars.map((b) => `${b.name} ${b.value}`).join(", ")}`).setOption({
    animation: false, color: PALETTE, aria: { enabled: false },
    tooltip: { trigger: "axis" },
    grid: { left: 160, right: 40, top: 10, bottom: 30 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", data: bars.map((b) => b.name), inverse: true,
             axisLabel: { color: "#1f2937" } },
    series: [{ type: "bar", data: bars.map((b) => b.value),
               label: { show: true, position: "right", color: "#1f2937" } }],
  });
}

/** Lines over a category axis (days): one series per name, the label lists every point. */
export function lineChart(el: HTMLElement, label: string, categories: string[],
                          series: { name: string; values: number[] }[]): void {
  const text = series.map((s) => `${s.name}: ${categories.map((c, i) => `${c} ${s.values[i]}`)
    .join(", ")}`).join("; ");
  mount(el, `${label}: ${text}`).setOption({
    animation: false, color: PALETTE, aria: { enabled: false },
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: series.map((s) => s.name), textStyle: { color: "#1f2937" } },
    grid: { left: 50, right: 30, top: 40, bottom: 40 },
    xAxis: { type: "category", data: categories, axisLabel: { color: "#1f2937" } },
    yAxis: { type: "value", minInterval: 1, axisLabel: { color: "#1f2937" } },
    series: series.map((s) => ({ type: "line", name: s.name, data: s.values,
                                 showSymbol: true, label: { show: categories.length <= 14 } })),
  });
}
