// The part of Red Hat YAML's exported API that IBGU Tools uses: registerContributor. Contributions are kept
// so that the test suite can call them the way the YAML language server would.
const contributors = [];

exports.activate = function activate() {
  return {
    registerContributor(scheme, requestSchema, requestSchemaContent, label) {
      contributors.push({ scheme, requestSchema, requestSchemaContent, label });
      return true;
    },
    contributors,
  };
};
