/**
 * The custom part of the protocol between the IBGU language server and its clients: names and shapes only,
 * shared by the server and the VS Code extension (which never import each other).
 */

/** Server → client: what the server is doing, for the language status item. */
export const STATUS_NOTIFICATION = 'ibgu/status';
export interface StatusParams {
  state: 'starting' | 'indexing' | 'ready';
  /** Milliseconds the last validation took, and of which file. */
  lastValidationMs?: number;
  lastUri?: string;
  /** Files known from the workspace folders (cross-file rules see all of them). */
  workspaceFiles: number;
}

/** Client → server: validate every YAML file of the workspace and publish the diagnostics of each. */
export const VALIDATE_WORKSPACE_REQUEST = 'ibgu/validateWorkspace';
export interface ValidateWorkspaceResult {
  files: number;
  filesWithProblems: number;
  errors: number;
  warnings: number;
  ms: number;
  cancelled: boolean;
}

/** Settings under `ibgu.*` that the server reads (pulled with workspace/configuration, section `ibgu`). */
export interface ServerSettings {
  lvms: 'auto' | 'on' | 'off';
  /** Severity overrides by rule id: error, warning, info, hint, or off. */
  rules: Record<string, string>;
  /** Read the YAML files of the workspace folders for cross-file rules. */
  workspaceContext: boolean;
  /** Files larger than this (KiB) are not validated. */
  maxFileSizeKb: number;
}

export const DEFAULT_SETTINGS: ServerSettings = { lvms: 'auto', rules: {}, workspaceContext: true, maxFileSizeKb: 5120 };

/** initializationOptions the extension sends. */
export interface InitializationOptions {
  /** Red Hat's YAML extension is active and validates syntax and schemas: do not report the same problems twice. */
  yamlExtensionActive?: boolean;
  settings?: Partial<ServerSettings>;
}

/** An object on the hub, by namespace and name. */
export interface HubObjectRef {
  namespace: string;
  name: string;
}

/**
 * Client → server: the connected hub the open documents are checked against (the rules that need a hub or
 * the stored versions, see the core's RuleInput), or `null` when none is connected. Sent when the hub, or
 * what it answered for the lookups, changes; never for changes the rules do not read (an IBGU's status).
 */
export const HUB_NOTIFICATION = 'ibgu/hub';
export interface HubParams {
  /** The hub's kubeconfig context, named in the findings. */
  context: string;
  /** The namespace of an IBGU written without one: the context's, or `default`, as kubectl applies it. */
  namespace: string;
  /** The live IBGUs among those looked up, as YAML (spec and identifying metadata): their stored versions. */
  ibgus: (HubObjectRef & { yaml: string })[];
  /** The ConfigMaps and Secrets looked up whose answer is known, as [`namespace/name`, exists]. */
  configMaps: [string, boolean][];
  secrets: [string, boolean][];
}

/** Server → client: what the open documents need looked up on the hub; sent when it changes while a hub is set. */
export const HUB_LOOKUPS_NOTIFICATION = 'ibgu/hubLookups';
export interface HubLookupsParams {
  ibgus: HubObjectRef[];
  configMaps: HubObjectRef[];
  secrets: HubObjectRef[];
}
