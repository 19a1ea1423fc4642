import A2A
