import * as vscode from 'vscode';
import { kindsJsonSchema, mentionsKnownKind } from '../core/schema/json-schema';

const YAML_EXTENSION = 'redhat.vscode-yaml';
const SCHEME = 'ibgu-tools';
const SCHEMA_URI = `${SCHEME}://schemas/kinds.json`;

interface YamlExtensionApi {
  registerContributor(scheme: string, requestSchema: (resource: string) => string | undefined, requestSchemaContent: (uri: string) => string): boolean;
}

/** Whether Red Hat's YAML extension is installed and validating: then it reports YAML syntax and schema problems. */
export function yamlExtensionValidates(): boolean {
  return !!vscode.extensions.getExtension(YAML_EXTENSION) && vscode.workspace.getConfiguration('yaml').get<boolean>('validate', true);
}

/**
 * Gives Red Hat's YAML extension our schemas, for files that hold one of our kinds (decided from the
 * content, never by a glob over every YAML file). Its completion and hover then know the fields too.
 */
export async function registerSchemas(log: vscode.LogOutputChannel): Promise<void> {
  const extension = vscode.extensions.getExtension<YamlExtensionApi>(YAML_EXTENSION);
  if (!extension) return;
  try {
    const api = await extension.activate();
    const content = JSON.stringify(kindsJsonSchema());
    api.registerContributor(
      SCHEME,
      (resource) => {
        const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === resource);
        return document && mentionsKnownKind(document.getText()) ? SCHEMA_URI : undefined;
      },
      () => content,
    );
    log.info(`Schemas for ImageBasedGroupUpgrade, ImageBasedUpgrade, Backup and Restore given to ${YAML_EXTENSION}.`);
  } catch (error) {
    log.warn(`Could not give schemas to ${YAML_EXTENSION}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
