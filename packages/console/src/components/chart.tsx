import type { Point } from '../lib/metrics.js';

/**
 * A small live line chart in SVG (no chart library): the last points of a series with its
 * maximum and latest value. Screen readers get the title and the latest value.
 */
export function LineChart({
  title,
  points,
  unit,
  empty,
  color = '#b3261e',
  digits = 0,
}: {
  readonly title: string;
  readonly points: readonly Point[];
  readonly unit: string;
  readonly empty: string;
  readonly color?: string;
  readonly digits?: number;
}) {
  const w = 600;
  const h = 160;
  const padL = 44;
  const padB = 20;
  const padT = 10;
  const last = points.at(-1);
  const max = Math.max(1, ...points.map((p) => p.v)) * 1.1;
  const t0 = points[0]?.t ?? 0;
  const t1 = last?.t ?? 1;
  const span = Math.max(1, t1 - t0);
  const x = (t: number) => padL + ((t - t0) / span) * (w - padL - 6);
  const y = (v: number) => padT + (1 - v / max) * (h - padT - padB);
  const path = points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`)
    .join(' ');
  const latest = last === undefined ? empty : `${last.v.toFixed(digits)} ${unit}`;
  return (
    <figure className="chart">
      <figcaption>
        <span>{title}</span>
        <strong aria-live="off">{latest}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={`${title}: ${latest}`} preserveAspectRatio="none">
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={padL} x2={w} y1={y(max * f)} y2={y(max * f)} className="grid" />
            <text x={padL - 6} y={y(max * f) + 4} textAnchor="end" className="axis">
              {(max * f).toFixed(max * f < 10 && f > 0 ? 1 : 0)}
            </text>
          </g>
        ))}
        {points.length > 1 ? (
          <path d={path} fill="none" stroke={color} strokeWidth="2" vectorEffect="non-scaling-stroke" />
        ) : last !== undefined ? (
          <circle cx={(padL + w) / 2} cy={y(last.v)} r="4" fill={color} />
        ) : (
          <text x={w / 2} y={h / 2} textAnchor="middle" className="axis">
            {empty}
          </text>
        )}
      </svg>
    </figure>
  );
}
