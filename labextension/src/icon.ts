/**
 * The sidebar's icon: bars of a chart under a magnifying glass. `jp-icon3` and
 * `fill="currentColor"` let the theme colour it.
 */
import { LabIcon } from '@jupyterlab/ui-components';

const SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 24 24">
  <g class="jp-icon3" fill="currentColor">
    <rect x="2" y="13" width="3" height="8" rx="0.5"/>
    <rect x="7" y="9" width="3" height="12" rx="0.5"/>
    <rect x="12" y="15" width="3" height="6" rx="0.5"/>
    <path d="M16.5 2a5.5 5.5 0 0 1 4.43 8.76l2.4 2.41-1.41 1.41-2.41-2.4A5.5 5.5 0 1 1 16.5 2zm0 2a3.5 3.5 0 1 0 0 7 3.5 3.5 0 0 0 0-7z"/>
  </g>
</svg>`;

export const analystIcon = new LabIcon({ name: 'analyst-magics:analyst', svgstr: SVG });
