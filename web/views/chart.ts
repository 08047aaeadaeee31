import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

export interface ChartProps {
  title: string;
  /** x values, then one array per series. */
  data: uPlot.AlignedData;
  /** `pointsOnly` draws the series as dots with no line (a session's frames on the text curve). */
  series: { label: string; value?: (u: uPlot, v: number | null) => string; pointsOnly?: boolean; color?: string }[];
  xLabel: string;
  yLabel: string;
  points?: boolean;
  /** Index of the x value to mark with the cursor (the stream scrubber). */
  cursorIndex?: number;
  height?: number;
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];

/** A uPlot chart sized to its box; re-created when the data change, the cursor moved when asked. */
export function Chart(p: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const dark =
      document.documentElement.dataset.theme === 'dark' ||
      (document.documentElement.dataset.theme !== 'light' && matchMedia('(prefers-color-scheme: dark)').matches);
    const ink = dark ? '#d4d4d8' : '#27272a';
    const grid = dark ? '#3f3f46' : '#e4e4e7';
    const axis = (label: string): uPlot.Axis => ({ label, stroke: ink, grid: { stroke: grid }, ticks: { stroke: grid } });
    const u = new uPlot(
      {
        width: Math.max(280, box.current.clientWidth - 8),
        height: p.height ?? 220,
        scales: { x: { time: false } },
        axes: [axis(p.xLabel), axis(p.yLabel)],
        series: [
          { label: p.xLabel },
          ...p.series.map((s, i): uPlot.Series => {
            const color = s.color ?? (COLORS[i % COLORS.length] as string);
            return {
              label: s.label,
              stroke: color,
              width: 2,
              spanGaps: !s.pointsOnly,
              ...(s.pointsOnly
                ? { paths: () => null, points: { show: true, size: 9, fill: color, stroke: color } }
                : { points: { show: p.points ?? true, size: 6 } }),
              ...(s.value ? { value: s.value } : {}),
            };
          }),
        ],
        legend: { show: true },
      },
      p.data,
      box.current,
    );
    plot.current = u;
    return () => {
      u.destroy();
      plot.current = null;
    };
  }, [JSON.stringify(p.data), p.title]);
  useEffect(() => {
    const u = plot.current;
    const i = p.cursorIndex;
    if (!u || i === undefined) return;
    const x = p.data[0][i];
    const y = p.data[1]?.[i];
    if (x === undefined || y === undefined || y === null) return;
    u.setCursor({ left: u.valToPos(x, 'x'), top: u.valToPos(y, 'y') });
  }, [p.cursorIndex, plot.current]);
  return html`<figure class="chart">
    <figcaption>${p.title}</figcaption>
    <div ref=${box} role="img" aria-label=${p.title}></div>
  </figure>`;
}
