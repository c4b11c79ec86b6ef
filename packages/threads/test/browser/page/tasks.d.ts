export function square(n: number): number;
export function checksum(bytes: ArrayBuffer): number;
