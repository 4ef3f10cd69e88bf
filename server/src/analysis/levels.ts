// The levels findings are graded on. Analyses already judge them (how untrusted a context is, how likely a string
// is a live credential), so they live here, below the engine that turns analyses into findings.
export type Severity = 'high' | 'medium' | 'low' | 'info';
export type Confidence = 'high' | 'medium' | 'low';

export const SEVERITIES: readonly Severity[] = ['high', 'medium', 'low', 'info'];
export const CONFIDENCES: readonly Confidence[] = ['high', 'medium', 'low'];
