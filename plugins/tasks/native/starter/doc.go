// Package starter is the offline starter pack: real competitions built from data sets that ship in
// Debian packages (scikit-learn's and statsmodels' bundled sets, R packages' data, Fashion-MNIST), each a
// declarative recipe (recipes/NAME/recipe.yaml and description.md) turned into a native competition by
// one shared builder (builder/build.py, run with Debian's Python), with reference leaderboards scored
// from a documented population of scikit-learn and statsmodels solutions.
//
// Start with Recipes and Build.
package starter
