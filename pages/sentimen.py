import streamlit as st
st.title("Sentimen")
