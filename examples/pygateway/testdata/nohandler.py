BEFORE = []
AFTER = []
