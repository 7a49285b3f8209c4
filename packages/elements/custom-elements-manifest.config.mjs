// `custom-elements.json` for editors, Storybook and framework tooling, made from the source at build.
const INTERNAL = ["view"];

export default {
  globs: ["src/handoff-checkout.ts"],
  litelement: true,
  outdir: ".",
  plugins: [
    {
      // Reactive state is not an attribute anyone sets, and `#emit(name, …)` is not an event called "name".
      name: "handoff:public-surface-only",
      packageLinkPhase({ customElementsManifest }) {
        for (const module of customElementsManifest.modules) {
          for (const declaration of module.declarations ?? []) {
            declaration.attributes = declaration.attributes?.filter((a) => !INTERNAL.includes(a.name));
            declaration.members = declaration.members?.filter((m) => !INTERNAL.includes(m.name));
            declaration.events = declaration.events?.filter(
              (e) => e.name && !["name", "type"].includes(e.name),
            );
          }
        }
      },
    },
  ],
};
