"""scipy's answers for hausdorff's tests.

Reads {"cases": [{"dims": [z, y, x], "spacing": [sz, sy, sx], "a": [flat 0/1], "b": [flat 0/1]}]}
and prints, for each case, the directed Hausdorff distances a→b and b→a between the voxel
coordinates (index × spacing), from scipy.spatial.distance.directed_hausdorff.
"""
import json
import sys

import numpy as np
from scipy.spatial.distance import directed_hausdorff

out = []
for c in json.load(sys.stdin)["cases"]:
    dims, spacing = c["dims"], np.asarray(c["spacing"])
    a = np.argwhere(np.asarray(c["a"], dtype=bool).reshape(dims)) * spacing
    b = np.argwhere(np.asarray(c["b"], dtype=bool).reshape(dims)) * spacing
    out.append([directed_hausdorff(a, b)[0], directed_hausdorff(b, a)[0]])
print(json.dumps(out))
