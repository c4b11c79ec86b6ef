// Task module of the troubleshooting samples.
export class Point {
  constructor(x, y) {
    this.x = x;
    this.y = y;
  }

  norm() {
    return Math.hypot(this.x, this.y);
  }

  /** Rebuilds a Point from the plain object a structured clone delivers. */
  static from({ x, y }) {
    return new Point(x, y);
  }
}

/** Expects a Point but receives a plain object: its methods did not travel. */
export function normOf(point) {
  return point.norm();
}

/** The fix: rebuild the instance from its data on the worker side. */
export function normOfData(data) {
  return Point.from(data).norm();
}
