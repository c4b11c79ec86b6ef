// The Mandelbrot set, one horizontal band at a time: the page's task module (workers
// import it by URL) and its single-threaded render (the page imports it directly).
// Integer colours from the escape count, so both renders give identical pixels.

export const VIEW = { x: -2.2, y: -1.2, w: 3.2, h: 2.4 };

/**
 * Renders rows [y0, y1) of a width × height picture as RGBA pixels.
 * @param {{ width: number, height: number, y0: number, y1: number, maxIter: number }} band
 */
export function renderBand({ width, height, y0, y1, maxIter }) {
  const pixels = new Uint8ClampedArray(width * (y1 - y0) * 4);
  let i = 0;
  for (let py = y0; py < y1; py++) {
    const ci = VIEW.y + (py / height) * VIEW.h;
    for (let px = 0; px < width; px++) {
      const cr = VIEW.x + (px / width) * VIEW.w;
      let zr = 0;
      let zi = 0;
      let n = 0;
      while (n < maxIter && zr * zr + zi * zi <= 4) {
        const t = zr * zr - zi * zi + cr;
        zi = 2 * zr * zi + ci;
        zr = t;
        n++;
      }
      if (n === maxIter) {
        pixels[i] = pixels[i + 1] = pixels[i + 2] = 0;
      } else {
        pixels[i] = (n * 9) % 256;
        pixels[i + 1] = (n * 4) % 256;
        pixels[i + 2] = 128 + ((n * 13) % 128);
      }
      pixels[i + 3] = 255;
      i += 4;
    }
  }
  return { y0, y1, pixels };
}

/** The bands of a picture, `rows` rows each. */
export function bands(width, height, rows, maxIter) {
  const list = [];
  for (let y0 = 0; y0 < height; y0 += rows)
    list.push({ width, height, y0, y1: Math.min(height, y0 + rows), maxIter });
  return list;
}
