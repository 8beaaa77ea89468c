"""Face landmarks of a photo: MediaPipe Face Mesh, 478 points, with the model that ships inside mediapipe.

The only module that imports mediapipe (pinned to 0.10.21, the last release whose wheel carries the face
mesh model; newer ones download it at run time). Settings are SPEC.md's: refine_landmarks on (iris points),
confidence 0.5, tracking mode. It looks for up to two faces so that a photo with more than one is refused.
"""

from __future__ import annotations

import numpy as np

from reelforge.errors import RequestError

FIELD = "portrait_image"


def face_landmarks(image: np.ndarray, field: str = FIELD) -> np.ndarray:
    """The 478 landmarks (x, y in pixels) of the one face in an RGB image; RequestError when none or several."""
    from mediapipe.python.solutions.face_mesh import FaceMesh

    height, width = image.shape[:2]
    with FaceMesh(static_image_mode=False, max_num_faces=2, refine_landmarks=True,
                  min_detection_confidence=0.5, min_tracking_confidence=0.5) as mesh:
        result = mesh.process(np.ascontiguousarray(image[:, :, :3]))
    faces = result.multi_face_landmarks or []
    if not faces:
        raise RequestError(field, "no face found in the photo; use a clear portrait with the face visible")
    if len(faces) > 1:
        raise RequestError(field, f"{len(faces)} faces found in the photo; it must show exactly one")
    return np.array([(point.x * width, point.y * height) for point in faces[0].landmark], np.float32)
