// Small SVG drawing helpers shared by the histogram, the sparklines, the error-rate line and the
// story timeline. Sizes are in viewBox units; the SVG scales to its box.

const namespace = "http://www.w3.org/2000/svg";

/** An SVG element with the given attributes (and text, for `text` elements). */
export function svgElement(name, attributes = {}, text) {
  const element = document.createElementNS(namespace, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Empties an SVG and gives it a viewBox of `width` x `height`. */
export function resetSvg(svg, width, height) {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
}

/** A polyline of `values` (nulls skipped) scaled into `width` x `height` with `top` headroom. */
export function polyline(values, width, height, top = 2) {
  const peak = Math.max(1e-9, ...values.filter((value) => value !== null));
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values
    .map((value, index) => (value === null ? null : `${(index * step).toFixed(1)},${(height - (value / peak) * (height - top)).toFixed(1)}`))
    .filter((point) => point !== null);
  return svgElement("polyline", { points: points.join(" ") });
}

/** A short local time label for an axis, in 24-hour time. */
export function timeLabel(date, spanMilliseconds) {
  const options = spanMilliseconds > 2 * 86400e3
    ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }
    : { hour: "2-digit", minute: "2-digit", second: spanMilliseconds < 3600e3 ? "2-digit" : undefined, hourCycle: "h23" };
  return date.toLocaleString(undefined, options);
}

/** Fills `container` with five time labels spread evenly from `start` to `end` (milliseconds). */
export function timeAxis(container, start, end) {
  const span = Math.max(1, end - start);
  container.replaceChildren(...[0, 0.25, 0.5, 0.75, 1].map((fraction) => {
    const label = document.createElement("span");
    label.textContent = timeLabel(new Date(start + fraction * span), span);
    return label;
  }));
}
