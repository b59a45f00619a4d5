// Apache ECharts, bundled (only the parts used: bar and funnel charts, SVG renderer, so the
// chart is text a screen reader and a test can read, and there is no canvas to label).
import * as echarts from "echarts/core";
import { BarChart, FunnelChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, FunnelChart, GridComponent, TooltipComponent, SVGRenderer]);

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
