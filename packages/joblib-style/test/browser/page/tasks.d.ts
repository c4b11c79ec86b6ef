export declare function square(n: number): number;
