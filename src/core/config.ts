/**
 * `.labelscope.json`: one config read by the extension and the CLI alike, so CI
 * and the editor agree. Parsing never throws: mistakes come back as messages.
 */
import type { Severity } from './problems';
import { COCO_KINDS, isCocoKind, type CocoKind } from './coco/kind';

export type RuleSetting = Severity | 'off' | { severity?: Severity | 'off'; options?: Record<string, unknown> };

export interface LabelscopeConfig {
  /** Per-rule severity or `off`, and options (thresholds). */
  rules?: Record<string, RuleSetting>;
  /** Folder images are looked up in, relative to the config file. */
  imageRoot?: string;
  /** At most this many diagnostics per rule in the Problems panel (the CLI lists all). */
  maxProblemsPerRule?: number;
  /**
   * Check files matching a glob as this kind instead of the detected one:
   * `{"preds/*.json": "results", "**\/captions_*.json": "captions"}`. A pattern without
   * '/' matches the file name; with '/', the path relative to the config's folder.
   */
  kinds?: Record<string, CocoKind>;
}

export const DEFAULT_MAX_PROBLEMS_PER_RULE = 500;
export const CONFIG_FILE_NAME = '.labelscope.json';

const SEVERITIES = new Set(['error', 'warning', 'info', 'off']);

export interface ParsedConfig {
  config: LabelscopeConfig;
  /** Human-readable mistakes, each naming the key. */
  errors: string[];
}

export function parseConfig(text: string, source = CONFIG_FILE_NAME): ParsedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { config: {}, errors: [`${source}: not valid JSON (${(e as Error).message})`] };
  }
  return validateConfig(raw, source);
}

export function validateConfig(raw: unknown, source = CONFIG_FILE_NAME): ParsedConfig {
  const errors: string[] = [];
  const config: LabelscopeConfig = {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { config, errors: [`${source}: the top level must be an object`] };
  }
  const obj = raw as Record<string, unknown>;
  if (obj.rules !== undefined) {
    if (typeof obj.rules !== 'object' || obj.rules === null || Array.isArray(obj.rules)) {
      errors.push(`${source}: "rules" must be an object of rule id -> severity`);
    } else {
      config.rules = {};
      for (const [id, setting] of Object.entries(obj.rules as Record<string, unknown>)) {
        if (typeof setting === 'string' && SEVERITIES.has(setting)) {
          config.rules[id] = setting as RuleSetting;
        } else if (typeof setting === 'object' && setting !== null && !Array.isArray(setting)) {
          const s = setting as Record<string, unknown>;
          if (s.severity !== undefined && !(typeof s.severity === 'string' && SEVERITIES.has(s.severity))) {
            errors.push(`${source}: rules["${id}"].severity must be one of error, warning, info, off`);
            continue;
          }
          if (s.options !== undefined && (typeof s.options !== 'object' || s.options === null || Array.isArray(s.options))) {
            errors.push(`${source}: rules["${id}"].options must be an object`);
            continue;
          }
          config.rules[id] = { severity: s.severity as Severity | 'off' | undefined, options: s.options as Record<string, unknown> | undefined };
        } else {
          errors.push(`${source}: rules["${id}"] must be "error", "warning", "info", "off" or { severity, options }`);
        }
      }
    }
  }
  if (obj.imageRoot !== undefined) {
    if (typeof obj.imageRoot === 'string') config.imageRoot = obj.imageRoot;
    else errors.push(`${source}: "imageRoot" must be a string`);
  }
  if (obj.maxProblemsPerRule !== undefined) {
    const n = obj.maxProblemsPerRule;
    if (typeof n === 'number' && Number.isInteger(n) && n > 0) config.maxProblemsPerRule = n;
    else errors.push(`${source}: "maxProblemsPerRule" must be a positive integer`);
  }
  if (obj.kinds !== undefined) {
    if (typeof obj.kinds !== 'object' || obj.kinds === null || Array.isArray(obj.kinds)) {
      errors.push(`${source}: "kinds" must be an object of file pattern -> kind`);
    } else {
      config.kinds = {};
      for (const [pattern, kind] of Object.entries(obj.kinds as Record<string, unknown>)) {
        if (isCocoKind(kind)) config.kinds[pattern] = kind;
        else errors.push(`${source}: kinds["${pattern}"] must be one of ${COCO_KINDS.join(', ')}`);
      }
    }
  }
  return { config, errors };
}

/** A glob (`*`, `**`, `?`) as a regular expression over '/'-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') { i++; re += '(?:.*/)?'; } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * The kind `.labelscope.json` forces for a file, given its path relative to the
 * config's folder ('/'-separated); the first matching pattern wins.
 */
export function kindForFile(config: LabelscopeConfig | undefined, relativePath: string): CocoKind | undefined {
  if (!config?.kinds) return undefined;
  const rel = relativePath.replace(/\\/g, '/');
  const name = rel.split('/').pop() ?? rel;
  for (const [pattern, kind] of Object.entries(config.kinds)) {
    if (globToRegExp(pattern).test(pattern.includes('/') ? rel : name)) return kind;
  }
  return undefined;
}

/** Later configs win, rule by rule (workspace file, then editor settings). */
export function mergeConfigs(...configs: (LabelscopeConfig | undefined)[]): LabelscopeConfig {
  const out: LabelscopeConfig = {};
  for (const c of configs) {
    if (!c) continue;
    if (c.rules) out.rules = { ...out.rules, ...c.rules };
    if (c.imageRoot !== undefined) out.imageRoot = c.imageRoot;
    if (c.maxProblemsPerRule !== undefined) out.maxProblemsPerRule = c.maxProblemsPerRule;
    if (c.kinds) out.kinds = { ...out.kinds, ...c.kinds };
  }
  return out;
}

export interface EffectiveRuleSetting {
  severity: Severity | 'off';
  options: Record<string, unknown>;
}

export function ruleSetting(
  config: LabelscopeConfig | undefined,
  rule: { id: string; defaultSeverity: Severity; defaultOptions?: Readonly<Record<string, unknown>> },
): EffectiveRuleSetting {
  const s = config?.rules?.[rule.id];
  const base = { ...(rule.defaultOptions ?? {}) };
  if (s === undefined) return { severity: rule.defaultSeverity, options: base };
  if (typeof s === 'string') return { severity: s, options: base };
  return { severity: s.severity ?? rule.defaultSeverity, options: { ...base, ...(s.options ?? {}) } };
}
